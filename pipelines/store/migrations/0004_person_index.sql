-- The person index (PIX): persons with stable ids, the source records resolved to them, their blocking keys, the
-- decisions with their evidence, the review queue and the manual decisions that constrain the matcher. Written by
-- pipelines/identity.

-- Person ids are "P" and ten digits from this sequence: minted once, never reused; a smaller id is an older person.
CREATE SEQUENCE person_id_seq;

-- persons: every id ever minted. A merged person keeps its row and redirects to the person it was merged into;
-- merged_into always points at a person that is not merged itself (redirects are flattened on every merge).
CREATE TABLE persons (
    id          text        PRIMARY KEY CHECK (id ~ '^P[0-9]{10}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    merged_into text        REFERENCES persons (id),
    merged_at   timestamptz,
    CHECK ((merged_into IS NULL) = (merged_at IS NULL)),
    CHECK (merged_into IS DISTINCT FROM id)
);

CREATE INDEX persons_merged_into ON persons (merged_into) WHERE merged_into IS NOT NULL;

-- person_records: the latest version of every resolved source record and the person it belongs to. features is
-- the prepared comparison data (pipelines/identity codec), so candidates are scored without reading person.
CREATE TABLE person_records (
    source     text             NOT NULL CHECK (source <> ''),
    local_id   text             NOT NULL CHECK (local_id <> ''),
    person_id  text             NOT NULL REFERENCES persons (id),
    features   bytea            NOT NULL,
    person     jsonb            NOT NULL,
    decision   text             NOT NULL CHECK (decision IN ('match', 'possible-match', 'no-match', 'conflict', 'manual')),
    score      double precision NOT NULL DEFAULT 0,
    updated_at timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (source, local_id)
);

CREATE INDEX person_records_person ON person_records (person_id);

-- blocking_keys: the candidate keys of every record (match.Key). Records sharing a hash are compared. A hash holds
-- no readable personal data.
CREATE TABLE blocking_keys (
    hash     bigint   NOT NULL,
    kind     smallint NOT NULL,
    source   text     NOT NULL,
    local_id text     NOT NULL
);

CREATE INDEX blocking_keys_hash ON blocking_keys (hash) INCLUDE (source, local_id);
CREATE INDEX blocking_keys_record ON blocking_keys (source, local_id);

-- decisions: one row per resolution of a record, with the evidence: the comparisons that counted, each with its
-- per-attribute weights, and the blocks skipped for their size.
CREATE TABLE decisions (
    id         bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source     text             NOT NULL,
    local_id   text             NOT NULL,
    person_id  text             NOT NULL,
    decision   text             NOT NULL,
    score      double precision NOT NULL DEFAULT 0,
    evidence   jsonb            NOT NULL,
    created_at timestamptz      NOT NULL DEFAULT now()
);

CREATE INDEX decisions_record ON decisions (source, local_id, id);

-- review_queue: pairs of records a reviewer decides. Record a is the one whose resolution raised the item; b is the
-- record of the other person it was compared with. One open item per pair.
CREATE TABLE review_queue (
    id         bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_a   text             NOT NULL,
    local_id_a text             NOT NULL,
    source_b   text             NOT NULL,
    local_id_b text             NOT NULL,
    score      double precision NOT NULL,
    evidence   jsonb            NOT NULL,
    reason     text             NOT NULL CHECK (reason IN ('possible-match', 'bsn-conflict')),
    status     text             NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'linked', 'separated')),
    created_at timestamptz      NOT NULL DEFAULT now(),
    decided_at timestamptz,
    CHECK ((status = 'open') = (decided_at IS NULL)),
    CHECK ((source_a, local_id_a) <> (source_b, local_id_b))
);

CREATE UNIQUE INDEX review_queue_open_pair ON review_queue (source_a, local_id_a, source_b, local_id_b)
    WHERE status = 'open';
CREATE INDEX review_queue_status ON review_queue (status, id);

-- manual_decisions: constraints set by people, never overridden by the matcher. link: the two records are one
-- person; unlink: they are never one person. The pair is stored in (source, local_id) order, a before b.
CREATE TABLE manual_decisions (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text        NOT NULL CHECK (kind IN ('link', 'unlink')),
    source_a   text        NOT NULL,
    local_id_a text        NOT NULL,
    source_b   text        NOT NULL,
    local_id_b text        NOT NULL,
    note       text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((source_a, local_id_a) < (source_b, local_id_b))
);

CREATE UNIQUE INDEX manual_decisions_pair ON manual_decisions (source_a, local_id_a, source_b, local_id_b);
CREATE INDEX manual_decisions_b ON manual_decisions (source_b, local_id_b);
