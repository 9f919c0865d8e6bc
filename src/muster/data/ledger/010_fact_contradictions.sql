-- Schema version 10: the contradictions of each stored fact, pair by pair with why (derived, like the
-- other fact tables): an unchanged ledger's facts are read back from the tables instead of computed again.
CREATE TABLE fact_contradictions (
    fact_id TEXT NOT NULL,
    seq     INTEGER NOT NULL,                -- the order facts.build_facts found them in
    a       TEXT NOT NULL,                   -- the two claims
    b       TEXT NOT NULL,
    why     TEXT NOT NULL,                   -- "count", "trend" or "negated"
    PRIMARY KEY (fact_id, seq)
);
-- facts stored before this table existed have none here: they are computed and stored again once
DELETE FROM facts_state;
