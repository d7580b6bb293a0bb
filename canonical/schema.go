package canonical

// The JSON Schema of the canonical model, canonical.schema.json, is generated from the types in this package
// with their doc comments; TestSchemaUpToDate fails when the checked-in file is stale.
//go:generate go run gen_schema.go
