// Package matchtest is test support for the person index: a small deterministic generator of synthetic,
// Dutch-looking persons and of corrupted source records of them, for the quality tests and benchmarks of
// package match and its callers.
//
// A Generator draws everything from one seed, so a seed always yields the same Population and the same
// Records; the quality figures of the tests depend on that. Every name, BSN and address is made up: BSNs pass
// the elfproef but are drawn at random, and postcodes only look real. Nothing here belongs in production code.
package matchtest
