-- Source records: the latest canonical record of every (source, local id), as mapped from the partners' messages.
-- Person resolution reads them; a newer message for the same record replaces it.
CREATE TABLE source_records (
    source      text        NOT NULL CHECK (source <> ''),
    local_id    text        NOT NULL CHECK (local_id <> ''),
    partner     text        NOT NULL DEFAULT '',
    record      jsonb       NOT NULL,
    message_id  text        NOT NULL,
    received_at timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, local_id)
);

CREATE INDEX source_records_received ON source_records (received_at);
