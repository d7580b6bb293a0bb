// Package match is the comparison and scoring core of the person index (PIX): it turns a canonical.Person into
// compact Features, derives blocking Keys from them, compares two persons attribute by attribute into levels,
// scores the levels Fellegi-Sunter style with m/u probabilities from configuration, and decides MATCH, POSSIBLE
// MATCH, NO MATCH or CONFLICT under the hard rules of DESIGN.md §6. Train estimates the m/u probabilities from
// unlabelled pairs by expectation-maximisation.
//
// The package holds no state and touches no database: storing the index, counting names for Frequencies,
// serialising resolution and publishing identity events belong to its callers. Scoring a pair does no allocation
// and no string folding; all of that happens once per record in Prepare, which also derives hashes and bounds that
// let most pairs be told apart without reading their names' bytes.
//
// Nothing here logs, and no error or Evidence carries a BSN or a name.
package match
