-- Schema version 6: facts across articles (src/muster/facts.py, docs/ledger.md). These tables are
-- derived: `muster facts` (facts.refresh) recomputes them from the claims on demand and replaces
-- them whole when the claims changed, so nothing an analyst wrote is kept here and ingest never
-- touches them. No foreign keys: replaced whole, they need none, and a claim deleted by a
-- re-ingest costs them nothing (fact_claims_view joins claims_view, so a stale row shows nothing).

-- A claim that repeats an earlier one (the same sentence, or the same speaker's figure quoted again,
-- in another article): one source, not two. copy_of is the earliest claim of the statement.
CREATE TABLE claim_copies (
    claim_id TEXT PRIMARY KEY,
    copy_of  TEXT NOT NULL,
    how      TEXT NOT NULL                   -- "sentence", "article" (near-duplicate article) or "speaker"
);
CREATE INDEX claim_copies_copy_of ON claim_copies(copy_of);

-- A fact: related claims (corroborating or contradicting) of one type about one group at comparable
-- places in overlapping periods; stored when it has two claims or more.
CREATE TABLE facts (
    id             TEXT PRIMARY KEY,         -- sha256(type|actor|earliest claim id), 16 hex digits
    type           TEXT NOT NULL,
    actor_key      TEXT,
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
    earliest_claim TEXT,
    earliest_date  TEXT
);
CREATE INDEX facts_type_actor ON facts(type, actor_key);
CREATE INDEX facts_contradicted ON facts(contradicted) WHERE contradicted = 1;

-- The claims of each fact of two claims or more (a claim in no fact_claims row stands alone), and
-- the position (1 = the earliest claim's) each stands for.
CREATE TABLE fact_claims (
    fact_id          TEXT NOT NULL,
    claim_id         TEXT NOT NULL,
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

-- What the stored facts were computed from: key 'fingerprint' = a hash of the claims' compared
-- fields and the thresholds; `muster facts` stores again only when it changed.
CREATE TABLE facts_state (
    key   TEXT PRIMARY KEY,
    value TEXT
);
