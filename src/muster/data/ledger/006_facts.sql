-- Schema version 6: facts across articles (src/muster/facts.py, docs/ledger.md). These tables are
-- derived: `muster facts` (facts.refresh) recomputes them from the claims on demand and replaces
-- them whole, so nothing an analyst wrote is kept here and ingest never touches them.

-- A claim that repeats an earlier one (the same sentence, or the same speaker's figure quoted again,
-- in another article): one source, not two. copy_of is the earliest claim of the statement.
CREATE TABLE claim_copies (
    claim_id TEXT PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
    copy_of  TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    how      TEXT NOT NULL                   -- "sentence", "article" (near-duplicate article) or "speaker"
);
CREATE INDEX claim_copies_copy_of ON claim_copies(copy_of);

-- A fact: claims of one type about one group at comparable places in overlapping periods.
CREATE TABLE facts (
    id             TEXT PRIMARY KEY,         -- sha256(type|actor|earliest claim id), 16 hex digits
    type           TEXT NOT NULL,
    actor_key      TEXT REFERENCES actors(key),
    actor          TEXT,
    place          TEXT,                     -- the widest place among its claims (a province over its town)
    country        TEXT,
    date_start     TEXT,
    date_end       TEXT,
    n_claims       INTEGER NOT NULL,
    n_copies       INTEGER NOT NULL,         -- claims that repeat another claim
    n_sources      INTEGER NOT NULL,         -- independent sources: speakers, else outlets, copies removed
    n_positions    INTEGER NOT NULL,         -- groups of claims that agree with each other
    contradicted   INTEGER NOT NULL,         -- 1 when two of its claims contradict each other
    earliest_claim TEXT REFERENCES claims(id) ON DELETE SET NULL,
    earliest_date  TEXT
);
CREATE INDEX facts_type_actor ON facts(type, actor_key);
CREATE INDEX facts_contradicted ON facts(contradicted) WHERE contradicted = 1;

-- The claims of each fact, the position (1 = the earliest claim's) each stands for.
CREATE TABLE fact_claims (
    fact_id          TEXT NOT NULL REFERENCES facts(id) ON DELETE CASCADE,
    claim_id         TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    copy_of          TEXT,                   -- the earliest claim it repeats, or NULL
    in_contradiction INTEGER NOT NULL,       -- 1 when it contradicts another claim of the fact
    PRIMARY KEY (fact_id, claim_id)
);
CREATE INDEX fact_claims_claim ON fact_claims(claim_id);

-- fact_claims_view: each fact's claims with the claim's fields, for Datasette and pandas.
CREATE VIEW fact_claims_view AS
SELECT fc.fact_id, fc.position, fc.copy_of, fc.in_contradiction, f.contradicted AS fact_contradicted, v.*
  FROM fact_claims fc
  JOIN facts f ON f.id = fc.fact_id
  JOIN claims_view v ON v.id = fc.claim_id;
