-- Blocking keys carry the features of their record. Resolving a record reads the features of every record stored
-- under the keys it probes, about 80 at a million records. Read through person_records, each was an index lookup
-- and a heap page of its own, scattered over the table: the largest cost of an incremental resolution. Stored with
-- each key and the rows of one key kept together (a backfill and a reindex write them ordered by hash), a key's
-- candidates come from one or two pages. The record's person and name are read afterwards, only for the few
-- candidates whose comparison is more than a plain NO MATCH. A record's features are written to person_records and
-- to its keys in one transaction, and replaced together.
--
-- One index, on (hash, rid): it finds a key's rows, and a record's rows by the hashes of its keys, which a
-- resolution derives from the record's stored features (the index on rid alone is gone: at a million records it
-- was 200 MB, and a backfill spent as long building it as the index on hash).

CREATE TABLE blocking_keys_with_features (
    hash     bigint   NOT NULL,
    kind     smallint NOT NULL,
    rid      bigint   NOT NULL,
    features bytea    NOT NULL
);

INSERT INTO blocking_keys_with_features (hash, kind, rid, features)
SELECT b.hash, b.kind, b.rid, r.features FROM blocking_keys b JOIN person_records r ON r.rid = b.rid ORDER BY b.hash;
DROP TABLE blocking_keys;
ALTER TABLE blocking_keys_with_features RENAME TO blocking_keys;

CREATE INDEX blocking_keys_hash ON blocking_keys (hash, rid);
