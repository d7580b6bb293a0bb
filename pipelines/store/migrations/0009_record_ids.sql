-- Integer record ids and narrow rows for the person index. Resolving a record reads a few hundred candidates: each
-- is a blocking key found by its hash and the prepared features of its record. With the record named by (source,
-- local id) in every key and the person JSON in the same row as the features, a million records made 974 MB of
-- keys and 552 MB of person_records, most of it outside PostgreSQL's buffers. Now:
--   person_records.rid  an integer id of the record, minted once (a backfill reserves a range of them);
--   blocking_keys       name the record by rid;
--   person_documents    hold the canonical person JSON of each record, which only `persons show`, exports and a
--                       reindex read, so person_records keeps just what scoring and planning read.

CREATE SEQUENCE person_record_rid_seq;

ALTER TABLE person_records ADD COLUMN rid bigint;
UPDATE person_records SET rid = nextval('person_record_rid_seq');
ALTER TABLE person_records ALTER COLUMN rid SET NOT NULL,
    ALTER COLUMN rid SET DEFAULT nextval('person_record_rid_seq');
ALTER SEQUENCE person_record_rid_seq OWNED BY person_records.rid;
CREATE UNIQUE INDEX person_records_rid ON person_records (rid);

-- person_documents: the person JSON of the record with the same rid (no foreign key: a backfill loads these rows
-- before the records they belong to; RecoverBackfill and the backfill itself keep the two tables together).
CREATE TABLE person_documents (
    rid    bigint PRIMARY KEY,
    person json   NOT NULL
);

INSERT INTO person_documents (rid, person) SELECT rid, person FROM person_records;
ALTER TABLE person_records DROP COLUMN person;

CREATE TABLE blocking_keys_by_rid (
    hash bigint   NOT NULL,
    kind smallint NOT NULL,
    rid  bigint   NOT NULL
);

INSERT INTO blocking_keys_by_rid (hash, kind, rid)
SELECT b.hash, b.kind, r.rid FROM blocking_keys b JOIN person_records r ON r.source = b.source AND r.local_id = b.local_id;
DROP TABLE blocking_keys;
ALTER TABLE blocking_keys_by_rid RENAME TO blocking_keys;

CREATE INDEX blocking_keys_hash ON blocking_keys (hash) INCLUDE (rid);
CREATE INDEX blocking_keys_record ON blocking_keys (rid);
