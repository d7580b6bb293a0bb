// Package mappings turns adapter records into canonical records by declarative mapping files: one YAML file per
// partner source says which field of the partner's record becomes which field of the canonical model, and how the
// value is cleaned, translated and checked on the way. See README.md for the file format.
//
// A mapping is compiled once, when it loads: every canonical target path is checked against the model (a typo
// fails the load with the file and line), source paths are pre-split and code lists are read. Map then only walks
// the record tree and sets values. RunGolden runs a directory's golden cases, so integration engineers test a
// mapping with files only.
package mappings
