-- Muster ledger, schema version 1. Plain SQLite: open it with sqlite3, Datasette or pandas.
-- Booleans are 0/1 (NULL = the text does not say); dates are ISO 8601 text; JSON columns hold JSON text.

-- One row per distinct article: `id` is the hash of its cleaned text, so re-ingesting updates the row.
CREATE TABLE articles (
    id              TEXT PRIMARY KEY,            -- model.content_id(text): sha256, 16 hex digits
    doc             TEXT NOT NULL,               -- the input's name when last ingested (file name, JSONL doc)
    title           TEXT,
    outlet          TEXT,
    authors         TEXT NOT NULL DEFAULT '[]',  -- JSON array of names
    published       TEXT,                        -- ISO date or NULL
    dateline        TEXT,
    url             TEXT,
    text            TEXT NOT NULL,               -- the cleaned text; claim offsets point into it
    duplicate_of    TEXT REFERENCES articles(id) ON DELETE SET NULL,  -- the original of a near-duplicate/syndicated copy
    dup_jaccard     REAL,                        -- word 5-gram Jaccard similarity with the original
    dup_containment REAL,                        -- share of the shorter text's 5-grams found in the longer
    n_claims        INTEGER NOT NULL DEFAULT 0,
    first_ingested  TEXT NOT NULL,               -- UTC timestamps
    last_ingested   TEXT NOT NULL
);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_outlet ON articles(outlet);
CREATE INDEX articles_duplicate_of ON articles(duplicate_of);

-- Every input an article came as: the same text under several names or outlets is one article
-- (one id) seen several times; this keeps each sighting.
CREATE TABLE article_inputs (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    doc        TEXT NOT NULL,
    outlet     TEXT,
    published  TEXT,
    url        TEXT,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    PRIMARY KEY (article_id, doc)
);

-- Armed groups, by Wikidata id (key = the Wikidata id, or "name:<name>" when the group has none).
CREATE TABLE actors (
    key      TEXT PRIMARY KEY,
    wikidata TEXT,
    name     TEXT NOT NULL
);
CREATE INDEX actors_name ON actors(name COLLATE NOCASE);

-- Resolved places (GeoNames), shared by every article and claim that names them.
CREATE TABLE places (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,            -- "geonames:<id>", or name|country|lat|lon
    name        TEXT,
    country     TEXT,                            -- ISO 3166-1 alpha-2
    lat         REAL,
    lon         REAL,
    geonames_id INTEGER,
    precision   TEXT                             -- country, admin1, admin2, city, site, region
);
CREATE INDEX places_country ON places(country);
CREATE INDEX places_latlon ON places(lat, lon);

-- Who asserts claims: one row per distinct (name, role, org, anonymous).
CREATE TABLE speakers (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL UNIQUE,
    name      TEXT,
    role      TEXT,
    org       TEXT,
    anonymous INTEGER NOT NULL DEFAULT 0
);

-- One row per claim (../shared/spec/claims.md); `id` is "<article id>-<n>".
CREATE TABLE claims (
    id             TEXT PRIMARY KEY,
    article_id     TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    type           TEXT NOT NULL,
    actor_key      TEXT REFERENCES actors(key),
    children       INTEGER,
    forced         INTEGER,
    count_low      NUMERIC,
    count_high     NUMERIC,
    count_approx   INTEGER,
    count_unit     TEXT,
    count_text     TEXT,
    rate           TEXT,
    time_start     TEXT,
    time_end       TEXT,
    trend          TEXT,
    hedged         INTEGER NOT NULL DEFAULT 0,
    negated        INTEGER NOT NULL DEFAULT 0,
    speaker_id     INTEGER REFERENCES speakers(id),
    speaker_quote  TEXT,                         -- "direct" or "indirect"
    speaker_text   TEXT,                         -- the words naming the speaker
    evidence       TEXT NOT NULL,
    evidence_start INTEGER,
    evidence_end   INTEGER,
    UNIQUE (article_id, seq)
);
CREATE INDEX claims_type ON claims(type);
CREATE INDEX claims_actor ON claims(actor_key);
CREATE INDEX claims_speaker ON claims(speaker_id);
CREATE INDEX claims_time ON claims(time_start, time_end);
CREATE INDEX claims_children ON claims(children) WHERE children IS NOT NULL;
CREATE INDEX claims_forced ON claims(forced) WHERE forced IS NOT NULL;

-- The places each claim is about, in the claim's order.
CREATE TABLE claim_places (
    claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    place_id INTEGER NOT NULL REFERENCES places(id),
    PRIMARY KEY (claim_id, seq)
);
CREATE INDEX claim_places_place ON claim_places(place_id);

-- Every mention of an armed group and of a place in an article (the annotation layers).
CREATE TABLE article_actors (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    actor_key  TEXT NOT NULL REFERENCES actors(key),
    text       TEXT,
    start      INTEGER,
    "end"      INTEGER
);
CREATE INDEX article_actors_article ON article_actors(article_id);
CREATE INDEX article_actors_actor ON article_actors(actor_key);
CREATE TABLE article_places (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    place_id   INTEGER NOT NULL REFERENCES places(id),
    text       TEXT,
    start      INTEGER,
    "end"      INTEGER
);
CREATE INDEX article_places_article ON article_places(article_id);
CREATE INDEX article_places_place ON article_places(place_id);

-- MinHash signatures (datasketch 2.0, scheme affine32, 128 permutations, uint64 little-endian) for near-duplicate detection.
CREATE TABLE minhashes (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    signature  BLOB NOT NULL
);

-- Each `muster ingest` run, and every input it could not use (which input, why).
CREATE TABLE runs (
    id             INTEGER PRIMARY KEY,
    started        TEXT NOT NULL,
    finished       TEXT,                         -- NULL: still running, or killed
    muster_version TEXT,
    inputs         TEXT,                         -- JSON array of the paths given
    articles       INTEGER NOT NULL DEFAULT 0,
    errors         INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE errors (
    id     INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    source TEXT NOT NULL,                        -- the input (path, or path:line for JSON Lines)
    reason TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX errors_source ON errors(source);

-- Full-text search (FTS5, Porter stemming) over article titles and text and over claim evidence,
-- kept in step with the tables by triggers.
CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='rowid',
                                             tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE VIRTUAL TABLE claims_fts USING fts5(evidence, content='claims', content_rowid='rowid',
                                           tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER claims_fts_ai AFTER INSERT ON claims BEGIN
    INSERT INTO claims_fts(rowid, evidence) VALUES (new.rowid, new.evidence);
END;
CREATE TRIGGER claims_fts_ad AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts(claims_fts, rowid, evidence) VALUES ('delete', old.rowid, old.evidence);
END;
CREATE TRIGGER claims_fts_au AFTER UPDATE OF evidence ON claims BEGIN
    INSERT INTO claims_fts(claims_fts, rowid, evidence) VALUES ('delete', old.rowid, old.evidence);
    INSERT INTO claims_fts(rowid, evidence) VALUES (new.rowid, new.evidence);
END;

-- Views for analysts and other tools.
-- claims_view: every claim with its actor, speaker, article, places (JSON) and first coordinates;
-- date_start/date_end is the claim's period, or the article's publication date when the claim has none;
-- original_id is the article it came from, or that article's original when it is a copy.
CREATE VIEW claims_view AS
SELECT c.id, c.article_id, c.seq, c.type,
       ac.name AS actor, ac.wikidata AS actor_id,
       c.children, c.forced, c.count_low, c.count_high, c.count_approx, c.count_unit, c.count_text, c.rate,
       c.time_start, c.time_end,
       COALESCE(c.time_start, a.published) AS date_start,
       COALESCE(c.time_end, c.time_start, a.published) AS date_end,
       c.trend, c.hedged, c.negated,
       s.name AS speaker_name, s.role AS speaker_role, s.org AS speaker_org, s.anonymous AS speaker_anonymous,
       c.speaker_quote, c.speaker_text,
       c.evidence, c.evidence_start, c.evidence_end,
       (SELECT json_group_array(json_object('name', p.name, 'country', p.country, 'lat', p.lat, 'lon', p.lon,
                                            'geonames_id', p.geonames_id, 'precision', p.precision))
          FROM (SELECT pl.* FROM claim_places cp JOIN places pl ON pl.id = cp.place_id
                 WHERE cp.claim_id = c.id ORDER BY cp.seq) AS p) AS locations,
       (SELECT pl.lat FROM claim_places cp JOIN places pl ON pl.id = cp.place_id
         WHERE cp.claim_id = c.id AND pl.lat IS NOT NULL ORDER BY cp.seq LIMIT 1) AS latitude,
       (SELECT pl.lon FROM claim_places cp JOIN places pl ON pl.id = cp.place_id
         WHERE cp.claim_id = c.id AND pl.lat IS NOT NULL ORDER BY cp.seq LIMIT 1) AS longitude,
       a.doc, a.title, a.outlet, a.published, a.url, a.duplicate_of,
       COALESCE(a.duplicate_of, a.id) AS original_id
  FROM claims c
  JOIN articles a ON a.id = c.article_id
  LEFT JOIN actors ac ON ac.key = c.actor_key
  LEFT JOIN speakers s ON s.id = c.speaker_id;

-- claim_locations: one row per (claim, place), with latitude/longitude for map tools.
CREATE VIEW claim_locations AS
SELECT c.id AS claim_id, c.article_id, c.type, ac.name AS actor, c.count_low, c.count_high, c.count_text,
       p.name AS place, p.country, p.lat AS latitude, p.lon AS longitude, p.geonames_id, p.precision,
       c.evidence
  FROM claims c
  JOIN claim_places cp ON cp.claim_id = c.id
  JOIN places p ON p.id = cp.place_id
  LEFT JOIN actors ac ON ac.key = c.actor_key;

-- article_sources: each original article with the number of copies (near-duplicates, syndications) of it.
CREATE VIEW article_sources AS
SELECT a.id, a.doc, a.title, a.outlet, a.published, a.n_claims,
       (SELECT count(*) FROM articles d WHERE d.duplicate_of = a.id) AS copies,
       (SELECT json_group_array(d.outlet) FROM articles d WHERE d.duplicate_of = a.id) AS copy_outlets,
       (SELECT count(*) FROM article_inputs i WHERE i.article_id = a.id) AS inputs
  FROM articles a
 WHERE a.duplicate_of IS NULL;

-- independent_claims: claims from original articles only (copies' claims are the same claims again).
CREATE VIEW independent_claims AS
SELECT * FROM claims_view WHERE duplicate_of IS NULL;
