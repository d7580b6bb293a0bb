-- Dead letters: what could not be read, validated or mapped, kept with the reason and the original bytes so it can
-- be inspected and replayed after a fix.
CREATE TABLE dead_letters (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source      text        NOT NULL CHECK (source <> ''),
    partner     text        NOT NULL DEFAULT '',
    received_at timestamptz NOT NULL,
    position    text        NOT NULL DEFAULT '',
    reason      text        NOT NULL,
    problems    jsonb       NOT NULL DEFAULT '[]',
    raw         bytea       NOT NULL,
    message_id  text        NOT NULL DEFAULT '',
    status      text        NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'replayed', 'discarded')),
    replayed_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'replayed') = (replayed_at IS NOT NULL))
);

-- A message delivered twice (at-least-once) is dead-lettered once while the first is still open.
CREATE UNIQUE INDEX dead_letters_open_message ON dead_letters (source, message_id)
    WHERE message_id <> '' AND status = 'new';

CREATE INDEX dead_letters_status ON dead_letters (status, id);
CREATE INDEX dead_letters_source ON dead_letters (source, id);
