// Package identity is the person index (PIX) of DESIGN.md §6: it resolves person records from every source to
// persons with stable ids, in PostgreSQL, on the matching core of package match.
//
// # The index
//
// The tables (store/migrations/0004_person_index.sql) are persons (ids "P" and ten digits, minted once; a merged
// person redirects to the winner), person_records (every (source, local id) with an integer record id, its person,
// the prepared comparison features of its latest data and its decision), person_documents (that latest data: the
// canonical person, by record id; 0009_record_ids.sql), blocking_keys (hash, kind, record id and the record's
// features, kept in hash order by a backfill and a reindex; 0010_key_features.sql), decisions (every resolution with its evidence:
// the comparisons, their per-attribute weights, blocks skipped for their size), review_queue and manual_decisions;
// name_frequencies and name_frequency_totals (0006_name_frequencies.sql) count the records' names for the
// term-frequency adjustment of name agreements (match.Frequencies).
//
// # Resolving
//
// Resolver.Resolve resolves one record in the caller's transaction (incremental mode, in the pipeline):
// it compares the record with the records sharing a blocking key, scores the pairs with match.Model and decides
// per person under two thresholds declared beforehand. MATCH links the record to the person; POSSIBLE MATCH and a
// BSN conflict create a person of its own and a review item; NO MATCH creates a person. Hard rules: two different
// valid BSNs are never merged automatically (neither by a pair's score nor by a record bridging two persons that
// hold different BSNs), nor are persons whose complete birth dates all disagree beyond a typing error (unless the
// person holds the record's BSN), one BSN on clearly different people is a conflict for review, a BSN failing the elfproef
// is not used, and manual link and unlink decisions bind the matcher. A record matching several persons merges them:
// the oldest id wins, the others redirect to it. Events (see Event) go to the outbox in the same transaction.
//
// Concurrency: a resolution first takes transaction-scoped advisory locks on its record and its blocking keys,
// in one sorted batch, then row locks on the persons involved, in id order. Two records of one person share a key,
// so their resolutions take turns and the second sees the first: any number of workers, in one process or many,
// never make two persons of one. A deadlock between merges is retried by ResolveOne.
//
// Resolver.Backfill fills an empty index in one go (batch mode) and decides exactly as resolving the records one by
// one in their order would; Evaluate measures a clustering against the truth.
package identity
