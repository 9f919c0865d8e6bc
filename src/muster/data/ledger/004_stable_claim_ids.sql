-- Schema version 4: claims keep their identity.
-- A claim's id is derived from what it is (store/ids.py: a hash of the article id, the claim type
-- and the evidence offsets) instead of its position "<article id>-<n>", so that an id points at the
-- same claim after a re-ingest. Existing claims get their new id here; the old id stays findable
-- through claim_links. muster_claim_id() is a function the ledger registers on its connection.

-- claim_places points at claims(id): its rows move with their claim, checked at commit
PRAGMA defer_foreign_keys = ON;

CREATE TABLE claim_links (
    old_id  TEXT NOT NULL,                        -- a claim id that no longer names a claim ...
    new_id  TEXT NOT NULL,                        -- ... and the claim that took its place
    overlap REAL,                                 -- shared evidence characters / the shorter span (1: same words)
    reason  TEXT NOT NULL,                        -- "renamed" (this migration) or "re-extracted" (a new pipeline)
    run_id  INTEGER REFERENCES runs(id),
    at      TEXT NOT NULL,
    PRIMARY KEY (old_id, new_id)
);
CREATE INDEX claim_links_new ON claim_links(new_id);

CREATE TEMP TABLE renamed AS
SELECT id AS old_id,
       muster_claim_id(article_id, type, evidence_start, evidence_end, evidence,
                       row_number() OVER (PARTITION BY article_id, type, evidence_start, evidence_end,
                                                       CASE WHEN evidence_start IS NULL THEN evidence END
                                          ORDER BY seq)) AS new_id
  FROM claims;

INSERT INTO claim_links (old_id, new_id, overlap, reason, at)
SELECT old_id, new_id, 1.0, 'renamed', strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now') FROM renamed;

UPDATE claim_places SET claim_id = (SELECT new_id FROM renamed WHERE old_id = claim_places.claim_id);
UPDATE claims SET id = (SELECT new_id FROM renamed WHERE old_id = claims.id);
DROP TABLE temp.renamed;

-- A claim the pipeline no longer finds in its article is deleted, unless an analyst reviewed it:
-- then it is kept and marked with when it was last lost (NULL: the pipeline still finds it).
ALTER TABLE claims ADD COLUMN lost_at TEXT;
ALTER TABLE claims ADD COLUMN lost_run INTEGER REFERENCES runs(id);

-- Full-text indexes declared with content="table" (double quotes), the form Datasette and
-- sqlite-utils recognise as a table's FTS index; rebuilt from their tables.
DROP TRIGGER articles_fts_ai;
DROP TRIGGER articles_fts_ad;
DROP TRIGGER articles_fts_au;
DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content="articles", content_rowid="rowid",
                                             tokenize='porter unicode61 remove_diacritics 2');
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
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
DROP TRIGGER claims_fts_ai;
DROP TRIGGER claims_fts_ad;
DROP TRIGGER claims_fts_au;
DROP TABLE claims_fts;
CREATE VIRTUAL TABLE claims_fts USING fts5(evidence, content="claims", content_rowid="rowid",
                                           tokenize='porter unicode61 remove_diacritics 2');
INSERT INTO claims_fts(claims_fts) VALUES ('rebuild');
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
