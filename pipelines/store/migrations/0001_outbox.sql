-- The transactional outbox: messages a stage writes in its own transaction, published to Kafka by the relay after
-- commit. Rows are deleted once published; the identity column gives the publishing order.
CREATE TABLE outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic      text        NOT NULL CHECK (topic <> ''),
    message_id text        NOT NULL CHECK (message_id <> ''),
    metadata   jsonb       NOT NULL DEFAULT '{}',
    payload    bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Wake the relay when rows are committed. Notifications are delivered at commit only, never on rollback, and
-- PostgreSQL folds identical notifications of one transaction into one.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ketenpoort_outbox', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
