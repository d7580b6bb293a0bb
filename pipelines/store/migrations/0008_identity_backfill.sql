-- identity_backfill: the marker of a backfill of the person index that is writing (pipelines/identity.Backfill). A
-- backfill writes its tables over several connections, each committing on its own, and removes the marker in the
-- transaction that commits its last part (the events and the name counts). A marker whose backfill no longer holds
-- its session lock is the trace of a crash: the next start takes away what that backfill wrote (the rows after the
-- high-water marks below) and builds the secondary indexes the backfill had dropped, so the backfill can be run again
-- from the stored source records.
CREATE TABLE identity_backfill (
    singleton       boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    started_at      timestamptz NOT NULL DEFAULT now(),
    -- the highest person id, decision id and review item id before the backfill; NULL for a table that was empty
    persons_after   text,
    decisions_after bigint,
    reviews_after   bigint
);
