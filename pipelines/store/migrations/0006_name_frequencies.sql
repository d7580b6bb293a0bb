-- The counts of the names of the person index's records, for the term-frequency adjustment of name agreements
-- (match.Frequencies): an exact agreement on a rare name weighs more than one on a common name. Written by
-- pipelines/identity with every resolved record; a backfill writes them anew.
--
-- Both tables are kept in shards: a resolution writes only to the rows of its database session's shard, so that
-- concurrent resolutions seldom wait for one another on a common name; a count or a total is the sum over the
-- shards.

-- name_frequencies: per name value, the number of indexed records that have it. hash is match.TermHashes' hash of
-- the kind of name (surname, given names, first name) and its value: it holds no readable personal data.
CREATE TABLE name_frequencies (
    hash  bigint   NOT NULL,
    shard smallint NOT NULL,
    count bigint   NOT NULL,
    PRIMARY KEY (hash, shard)
);

-- name_frequency_totals: per kind of name (term, as match.Term numbers it), the records that have one and the sum
-- of the squared counts of its values.
CREATE TABLE name_frequency_totals (
    term    smallint NOT NULL,
    shard   smallint NOT NULL,
    records bigint   NOT NULL,
    squares bigint   NOT NULL,
    PRIMARY KEY (term, shard)
);
