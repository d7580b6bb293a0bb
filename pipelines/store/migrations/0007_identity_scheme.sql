-- identity_scheme: the scheme under which the person index's derived data were written: the prepared features of
-- person_records, the blocking keys and the name counts (pipelines/identity.Scheme). A gateway whose scheme differs
-- derives them anew from the stored persons before it resolves (identity.Resolver.Reindex); persons, decisions and
-- the review queue are kept. An index that holds records when this table is created was written under scheme 1.
CREATE TABLE identity_scheme (
    singleton boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    scheme    text        NOT NULL,
    set_at    timestamptz NOT NULL DEFAULT now()
);

INSERT INTO identity_scheme (scheme) SELECT '1' WHERE EXISTS (SELECT 1 FROM person_records);
