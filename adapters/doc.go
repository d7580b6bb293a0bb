// Package adapters reads partner exports into whole records: the adapter SDK, the registry of adapters and the
// record model every adapter produces. Adapters read and validate; mappings own the business rules. See README.md.
package adapters
