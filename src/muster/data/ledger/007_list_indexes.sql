-- Schema version 7: what the claims list filters and sorts by, stored where an index reaches it
-- (README "Serving a large ledger: the figures"). Both are derived from other columns and kept in
-- step by the triggers below, whoever writes the tables (the ingest, an import, a tool writing
-- plain SQL): nothing here is an analyst's, and reviews keep their own values in claim_reviewed.

-- The date a claim is sorted by: its period's start, or its article's publication date when it
-- has none (claims_machine_view.date_start), so the list needs no join to the articles to sort.
ALTER TABLE claims ADD COLUMN sort_date TEXT;
UPDATE claims SET sort_date = COALESCE(time_start, (SELECT a.published FROM articles a WHERE a.id = claims.article_id));
CREATE INDEX claims_sort_date ON claims(sort_date);

CREATE TRIGGER claims_sort_date_ai AFTER INSERT ON claims BEGIN
    UPDATE claims SET sort_date = COALESCE(new.time_start, (SELECT published FROM articles WHERE id = new.article_id))
     WHERE rowid = new.rowid;
END;
CREATE TRIGGER claims_sort_date_au AFTER UPDATE OF time_start, article_id ON claims BEGIN
    UPDATE claims SET sort_date = COALESCE(new.time_start, (SELECT published FROM articles WHERE id = new.article_id))
     WHERE rowid = new.rowid;
END;
CREATE TRIGGER articles_sort_date_au AFTER UPDATE OF published ON articles BEGIN
    UPDATE claims SET sort_date = COALESCE(time_start, new.published)
     WHERE article_id = new.id AND sort_date IS NOT COALESCE(time_start, new.published);
END;

-- The countries of each claim's places (the machine's places; a claim whose places an analyst
-- corrected is matched on claims_view), with the claim's type: a type and country filter is one
-- range of the index claim_countries_country instead of every claim's places read one by one.
CREATE TABLE claim_countries (
    claim_id TEXT NOT NULL,
    country  TEXT NOT NULL,                      -- ISO 3166-1 alpha-2, as places.country
    type     TEXT NOT NULL,                      -- claims.type
    PRIMARY KEY (claim_id, country)
) WITHOUT ROWID;
INSERT OR IGNORE INTO claim_countries (claim_id, country, type)
SELECT cp.claim_id, p.country, c.type FROM claim_places cp JOIN places p ON p.id = cp.place_id
  JOIN claims c ON c.id = cp.claim_id WHERE p.country IS NOT NULL;
CREATE INDEX claim_countries_country ON claim_countries(country, type, claim_id);

CREATE TRIGGER claim_countries_ai AFTER INSERT ON claim_places BEGIN
    INSERT OR IGNORE INTO claim_countries (claim_id, country, type)
    SELECT new.claim_id, p.country, c.type FROM places p, claims c
     WHERE p.id = new.place_id AND c.id = new.claim_id AND p.country IS NOT NULL;
END;
CREATE TRIGGER claim_countries_ad AFTER DELETE ON claim_places BEGIN
    DELETE FROM claim_countries
     WHERE claim_id = old.claim_id AND country = (SELECT country FROM places WHERE id = old.place_id)
       AND NOT EXISTS (SELECT 1 FROM claim_places cp JOIN places p ON p.id = cp.place_id
                        WHERE cp.claim_id = old.claim_id AND p.country = claim_countries.country);
END;
CREATE TRIGGER claim_countries_au AFTER UPDATE OF claim_id, place_id ON claim_places BEGIN
    DELETE FROM claim_countries WHERE claim_id IN (old.claim_id, new.claim_id);
    INSERT OR IGNORE INTO claim_countries (claim_id, country, type)
    SELECT cp.claim_id, p.country, c.type FROM claim_places cp JOIN places p ON p.id = cp.place_id
      JOIN claims c ON c.id = cp.claim_id WHERE cp.claim_id IN (old.claim_id, new.claim_id) AND p.country IS NOT NULL;
END;
CREATE TRIGGER claim_countries_type_au AFTER UPDATE OF type ON claims BEGIN
    UPDATE claim_countries SET type = new.type WHERE claim_id = new.id;
END;
CREATE TRIGGER claim_countries_claim_ad AFTER DELETE ON claims BEGIN
    DELETE FROM claim_countries WHERE claim_id = old.id;
END;
CREATE TRIGGER claim_countries_place_au AFTER UPDATE OF country ON places BEGIN
    DELETE FROM claim_countries WHERE claim_id IN (SELECT claim_id FROM claim_places WHERE place_id = new.id);
    INSERT OR IGNORE INTO claim_countries (claim_id, country, type)
    SELECT cp.claim_id, p.country, c.type FROM claim_places cp JOIN places p ON p.id = cp.place_id
      JOIN claims c ON c.id = cp.claim_id
     WHERE cp.claim_id IN (SELECT claim_id FROM claim_places WHERE place_id = new.id) AND p.country IS NOT NULL;
END;

-- What the list reads of each claim of a type (its sort key and facet values) in one index, so a
-- type + country filter and its facets read no claim row; it serves claims_type_id's lookups too.
DROP INDEX claims_type_id;
CREATE INDEX claims_type_list ON claims(type, id, sort_date, article_id, seq, actor_key, children, forced, confidence,
                                      speaker_id);  -- speaker_id: claims_machine_view joins on it (unused, left out)

-- claims_machine_view as before, its date_start the stored sort_date (the same value, indexed), and
-- the article joined with LEFT JOIN: every claim has its article (a foreign key), and so SQLite
-- leaves the articles out of a query that reads none of their columns (the list's).
DROP VIEW claims_machine_view;
CREATE VIEW claims_machine_view AS
SELECT c.id, c.article_id, c.seq, c.type, ac.name AS actor, ac.wikidata AS actor_id, c.children, c.forced,
       c.count_low, c.count_high, c.count_approx, c.count_unit, c.count_text, c.rate, c.time_start, c.time_end,
       c.sort_date AS date_start,
       COALESCE(c.time_end, c.time_start, a.published) AS date_end,
       c.trend, c.hedged, c.negated, c.confidence,
       s.name AS speaker_name, s.role AS speaker_role, s.org AS speaker_org, s.anonymous AS speaker_anonymous,
       c.speaker_quote, c.speaker_text, c.evidence, c.evidence_start, c.evidence_end,
       a.doc, a.title, a.outlet, a.published, a.url, a.duplicate_of, COALESCE(a.duplicate_of, a.id) AS original_id,
       (SELECT json_group_array(json_object('name', p.name, 'country', p.country, 'lat', p.lat, 'lon', p.lon,
                                            'geonames_id', p.geonames_id, 'precision', p.precision))
          FROM (SELECT pl.* FROM claim_places cp JOIN places pl ON pl.id = cp.place_id
                 WHERE cp.claim_id = c.id ORDER BY cp.seq) AS p) AS locations,
       NULL AS review_status, NULL AS reviewed_fields, c.lost_at
  FROM claims c
  LEFT JOIN articles a ON a.id = c.article_id
  LEFT JOIN actors ac ON ac.key = c.actor_key
  LEFT JOIN speakers s ON s.id = c.speaker_id;
