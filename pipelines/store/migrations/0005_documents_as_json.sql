-- Documents the gateway writes whole and reads whole are kept as json (the text, checked) instead of jsonb (parsed
-- into a binary form): none is searched inside by an index or a containment query, and writing jsonb costs
-- PostgreSQL about twice the CPU of json, which a million-record ingest or backfill pays for every row. The ->
-- operators the queries use work on both.
ALTER TABLE source_records ALTER COLUMN record TYPE json USING record::json;
ALTER TABLE person_records ALTER COLUMN person TYPE json USING person::json;
ALTER TABLE decisions ALTER COLUMN evidence TYPE json USING evidence::json;
ALTER TABLE review_queue ALTER COLUMN evidence TYPE json USING evidence::json;
ALTER TABLE outbox ALTER COLUMN metadata TYPE json USING metadata::json;
ALTER TABLE outbox ALTER COLUMN metadata SET DEFAULT '{}';
