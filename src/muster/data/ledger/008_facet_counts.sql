-- Schema version 8: what the claims list shows first (its facets, its total, its first page) read
-- from small derived tables instead of from every matching claim (README "Serving a large ledger:
-- the figures"). Like schema 7's, they are derived from other tables and kept in step by the
-- triggers below, whoever writes (the ingest, an import, a review, a tool writing plain SQL);
-- the facet counts lazily: a write notes the claims it changed, the list recounts them.

-- The claims list's sort key in claim_countries, and whether an analyst reviewed the claim: a
-- type + country filter's first page of claims no one reviewed is then the first entries of one
-- index range, in order, and its reviewed claims another range, with no claim row read.
ALTER TABLE claim_countries ADD COLUMN d TEXT;   -- COALESCE(claims.sort_date, '9999'), as the list sorts
ALTER TABLE claim_countries ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0;  -- 1: in claim_reviewed
UPDATE claim_countries SET d = (SELECT COALESCE(c.sort_date, '9999') FROM claims c WHERE c.id = claim_countries.claim_id),
       reviewed = EXISTS (SELECT 1 FROM claim_reviewed r WHERE r.claim_id = claim_countries.claim_id);
DROP INDEX claim_countries_country;
CREATE INDEX claim_countries_country ON claim_countries(country, type, reviewed, d, claim_id);
-- the reviewed claims whose places or type an analyst corrected (they may match any country filter)
CREATE INDEX claim_reviewed_places_type ON claim_reviewed(claim_id)
 WHERE instr(fields, '"places"') OR instr(fields, '"type"');

DROP TRIGGER claim_countries_ai;
CREATE TRIGGER claim_countries_ai AFTER INSERT ON claim_places BEGIN
    INSERT OR IGNORE INTO claim_countries (claim_id, country, type, d, reviewed)
    SELECT new.claim_id, p.country, c.type, COALESCE(c.sort_date, '9999'),
           EXISTS (SELECT 1 FROM claim_reviewed r WHERE r.claim_id = c.id) FROM places p, claims c
     WHERE p.id = new.place_id AND c.id = new.claim_id AND p.country IS NOT NULL;
END;
DROP TRIGGER claim_countries_au;
CREATE TRIGGER claim_countries_au AFTER UPDATE OF claim_id, place_id ON claim_places BEGIN
    DELETE FROM claim_countries WHERE claim_id IN (old.claim_id, new.claim_id);
    INSERT OR IGNORE INTO claim_countries (claim_id, country, type, d, reviewed)
    SELECT cp.claim_id, p.country, c.type, COALESCE(c.sort_date, '9999'),
           EXISTS (SELECT 1 FROM claim_reviewed r WHERE r.claim_id = c.id) FROM claim_places cp
      JOIN places p ON p.id = cp.place_id JOIN claims c ON c.id = cp.claim_id
     WHERE cp.claim_id IN (old.claim_id, new.claim_id) AND p.country IS NOT NULL;
END;
DROP TRIGGER claim_countries_place_au;
CREATE TRIGGER claim_countries_place_au AFTER UPDATE OF country ON places BEGIN
    DELETE FROM claim_countries WHERE claim_id IN (SELECT claim_id FROM claim_places WHERE place_id = new.id);
    INSERT OR IGNORE INTO claim_countries (claim_id, country, type, d, reviewed)
    SELECT cp.claim_id, p.country, c.type, COALESCE(c.sort_date, '9999'),
           EXISTS (SELECT 1 FROM claim_reviewed r WHERE r.claim_id = c.id) FROM claim_places cp
      JOIN places p ON p.id = cp.place_id JOIN claims c ON c.id = cp.claim_id
     WHERE cp.claim_id IN (SELECT claim_id FROM claim_places WHERE place_id = new.id) AND p.country IS NOT NULL;
END;
CREATE TRIGGER claim_countries_reviewed_ai AFTER INSERT ON claim_reviewed BEGIN
    UPDATE claim_countries SET reviewed = 1 WHERE claim_id = new.claim_id;
END;
CREATE TRIGGER claim_countries_reviewed_ad AFTER DELETE ON claim_reviewed BEGIN
    UPDATE claim_countries SET reviewed = 0 WHERE claim_id = old.claim_id
       AND NOT EXISTS (SELECT 1 FROM claim_reviewed WHERE claim_id = old.claim_id);
END;
CREATE TRIGGER claim_countries_reviewed_au AFTER UPDATE OF claim_id ON claim_reviewed BEGIN
    UPDATE claim_countries SET reviewed = 0 WHERE claim_id = old.claim_id;
    UPDATE claim_countries SET reviewed = 1 WHERE claim_id = new.claim_id;
END;
CREATE TRIGGER claim_countries_d_au AFTER UPDATE OF sort_date ON claims WHEN old.sort_date IS NOT new.sort_date BEGIN
    UPDATE claim_countries SET d = COALESCE(new.sort_date, '9999') WHERE claim_id = new.id;
END;

-- Facet counts of the claims no analyst reviewed (their machine values; the reviewed claims, a
-- few, are counted when asked, with their reviewed values), by type and country: the slice
-- (type, '') counts every claim of the type once, the slice (type, 'SY') those with a place in
-- Syria. `key` is "facet=value" ('' for no value): total=, actor=<actors.key>, children=0|1,
-- forced=0|1, year=YYYY, confidence=0.0..1.0 (rounded to 0.1), country=<ISO code>. A filter on
-- types and a country reads its facets here in a few dozen rows, whatever the number of claims.
CREATE TABLE facet_counts (
    type    TEXT NOT NULL,
    country TEXT NOT NULL,
    key     TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (type, country, key)
) WITHOUT ROWID;

-- What each counted claim added to facet_counts (its type, slices and keys, as JSON arrays), so
-- that taking it out subtracts exactly that, whatever changed since.
CREATE TABLE facet_counted (
    claim_id TEXT PRIMARY KEY,
    type     TEXT NOT NULL,
    slices   TEXT NOT NULL,    -- JSON: '' then the claim's countries
    keys     TEXT NOT NULL     -- JSON: the claim's keys
) WITHOUT ROWID;

-- The claims changed since they were counted (written, their places or review changed): the
-- triggers below only note them here, so that a write costs the ingest one row; whoever reads
-- the counts first recounts them (Ledger.list_page, by facet_recount), or reads the claims
-- themselves when it cannot write.
CREATE TABLE facet_pending (claim_id TEXT PRIMARY KEY) WITHOUT ROWID;

-- Recount a claim: inserting its id here takes out what it added and adds what it is now (nothing
-- if it is deleted or reviewed); the row is gone again at the end.
CREATE TABLE facet_recount (claim_id TEXT NOT NULL);

CREATE TRIGGER facet_recount_ai AFTER INSERT ON facet_recount BEGIN
    INSERT INTO facet_counts (type, country, key, n)
    SELECT f.type, s.value, k.value, -1 FROM facet_counted f, json_each(f.slices) s, json_each(f.keys) k
     WHERE f.claim_id = new.claim_id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
    DELETE FROM facet_counted WHERE claim_id = new.claim_id;
    INSERT INTO facet_counted (claim_id, type, slices, keys)
    SELECT c.id, c.type,
           (SELECT json_group_array(x) FROM (SELECT '' AS x UNION ALL
                                             SELECT country FROM claim_countries WHERE claim_id = c.id)),
           (SELECT json_group_array(x) FROM (
                SELECT value AS x FROM json_each(json_array('total=', 'actor=' || IFNULL(c.actor_key, ''),
                    'children=' || IFNULL(c.children, ''), 'forced=' || IFNULL(c.forced, ''),
                    'year=' || IFNULL(substr(c.sort_date, 1, 4), ''),
                    'confidence=' || IFNULL(round(c.confidence, 1), '')))
                UNION ALL SELECT 'country=' || country FROM claim_countries WHERE claim_id = c.id))
      FROM claims c
     WHERE c.id = new.claim_id AND NOT EXISTS (SELECT 1 FROM claim_reviewed r WHERE r.claim_id = c.id);
    INSERT INTO facet_counts (type, country, key, n)
    SELECT f.type, s.value, k.value, 1 FROM facet_counted f, json_each(f.slices) s, json_each(f.keys) k
     WHERE f.claim_id = new.claim_id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
    DELETE FROM facet_recount WHERE rowid = new.rowid;
END;

-- What changes a claim's counts: its row (type and facet columns), its countries, its review.
CREATE TRIGGER facet_claims_ai AFTER INSERT ON claims BEGIN
    INSERT INTO facet_pending (claim_id) VALUES (new.id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER facet_claims_au AFTER UPDATE OF id, type, actor_key, children, forced, confidence, sort_date ON claims
WHEN old.id IS NOT new.id OR old.type IS NOT new.type OR old.actor_key IS NOT new.actor_key
  OR old.children IS NOT new.children OR old.forced IS NOT new.forced OR old.confidence IS NOT new.confidence
  OR substr(old.sort_date, 1, 4) IS NOT substr(new.sort_date, 1, 4) BEGIN
    INSERT INTO facet_pending (claim_id) VALUES (old.id), (new.id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER facet_claims_ad AFTER DELETE ON claims BEGIN
    INSERT INTO facet_pending (claim_id) VALUES (old.id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER facet_claim_countries_ai AFTER INSERT ON claim_countries BEGIN
    INSERT INTO facet_pending (claim_id) VALUES (new.claim_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER facet_claim_countries_ad AFTER DELETE ON claim_countries BEGIN
    INSERT INTO facet_pending (claim_id) VALUES (old.claim_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER facet_claim_reviewed_ai AFTER INSERT ON claim_reviewed BEGIN
    INSERT INTO facet_pending (claim_id) VALUES (new.claim_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER facet_claim_reviewed_au AFTER UPDATE OF claim_id ON claim_reviewed BEGIN
    INSERT INTO facet_pending (claim_id) VALUES (old.claim_id), (new.claim_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER facet_claim_reviewed_ad AFTER DELETE ON claim_reviewed BEGIN
    INSERT INTO facet_pending (claim_id) VALUES (old.claim_id) ON CONFLICT DO NOTHING;
END;

-- The claims there are now.
INSERT INTO facet_recount (claim_id) SELECT id FROM claims;
