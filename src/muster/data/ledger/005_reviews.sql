-- Schema version 5: the analysts' reviews.
-- `reviews` is an append-only log: every accept, reject, correction (one field each) and reopen,
-- with who, when, the value before and after, and a note. Nothing updates or deletes a row of it
-- (the triggers refuse), and it does not cascade from claims: a review outlives a re-extraction.
-- `claim_reviewed` is the state the log adds up to for each reviewed claim (store/reviews.py keeps
-- it, and can rebuild it from the log); claims_view shows the reviewed value of each field, the
-- review status, and the machine's value beside it (machine_* columns).
CREATE TABLE reviews (
    id         INTEGER PRIMARY KEY,
    claim_id   TEXT NOT NULL,                    -- no foreign key: the log is kept whatever happens to the claim
    article_id TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'set', 'reopen')),
    field      TEXT,                             -- for 'set': count.low, actor, places, ... (store/reviews.py FIELDS)
    before     TEXT,                             -- JSON: the value the analyst saw
    after      TEXT,                             -- JSON: the value the analyst gave
    note       TEXT,
    reviewer   TEXT NOT NULL,
    at         TEXT NOT NULL                     -- UTC timestamp
);
CREATE INDEX reviews_claim ON reviews(claim_id, id);
CREATE INDEX reviews_article ON reviews(article_id);
CREATE TRIGGER reviews_append_only_update BEFORE UPDATE ON reviews BEGIN
    SELECT RAISE(ABORT, 'reviews are an append-only log: add a review, do not change one');
END;
CREATE TRIGGER reviews_append_only_delete BEFORE DELETE ON reviews BEGIN
    SELECT RAISE(ABORT, 'reviews are an append-only log: add a review, do not delete one');
END;

CREATE TABLE claim_reviewed (
    claim_id          TEXT PRIMARY KEY,
    status            TEXT,                      -- accepted, rejected, corrected; NULL after a reopen
    fields            TEXT NOT NULL DEFAULT '[]',  -- JSON array of the fields corrected
    type TEXT, actor_name TEXT, actor_id TEXT, children INTEGER, forced INTEGER,
    count_low NUMERIC, count_high NUMERIC, count_approx INTEGER, count_unit TEXT, count_text TEXT, rate TEXT,
    time_start TEXT, time_end TEXT, trend TEXT, hedged INTEGER, negated INTEGER,
    speaker_name TEXT, speaker_role TEXT, speaker_org TEXT, speaker_anonymous INTEGER,
    locations         TEXT,                      -- JSON array of places, as claims_view.locations
    reviewer          TEXT,                      -- the last review's
    at                TEXT,
    note              TEXT,                      -- the last note given
    n                 INTEGER NOT NULL DEFAULT 0   -- reviews in the log
);
CREATE INDEX claim_reviewed_status ON claim_reviewed(status);

-- claims of a type with their ids in one index: a type filter joined with another (a country, the
-- claims not reviewed) is answered without reading each claim's row
DROP INDEX claims_type;
CREATE INDEX claims_type_id ON claims(type, id);

DROP VIEW independent_claims;
DROP VIEW claim_locations;
DROP VIEW claims_view;
CREATE VIEW claims_view AS
SELECT c.id, c.article_id, c.seq,
       CASE WHEN instr(r.fields, '"type"') THEN r.type ELSE c.type END AS type,
       CASE WHEN instr(r.fields, '"actor"') THEN r.actor_name ELSE ac.name END AS actor,
       CASE WHEN instr(r.fields, '"actor"') THEN r.actor_id ELSE ac.wikidata END AS actor_id,
       CASE WHEN instr(r.fields, '"children"') THEN r.children ELSE c.children END AS children,
       CASE WHEN instr(r.fields, '"forced"') THEN r.forced ELSE c.forced END AS forced,
       CASE WHEN instr(r.fields, '"count.low"') THEN r.count_low ELSE c.count_low END AS count_low,
       CASE WHEN instr(r.fields, '"count.high"') THEN r.count_high ELSE c.count_high END AS count_high,
       CASE WHEN instr(r.fields, '"count.approx"') THEN r.count_approx ELSE c.count_approx END AS count_approx,
       CASE WHEN instr(r.fields, '"count.unit"') THEN r.count_unit ELSE c.count_unit END AS count_unit,
       CASE WHEN instr(r.fields, '"count.text"') THEN r.count_text ELSE c.count_text END AS count_text,
       CASE WHEN instr(r.fields, '"rate"') THEN r.rate ELSE c.rate END AS rate,
       CASE WHEN instr(r.fields, '"time.start"') THEN r.time_start ELSE c.time_start END AS time_start,
       CASE WHEN instr(r.fields, '"time.end"') THEN r.time_end ELSE c.time_end END AS time_end,
       COALESCE(CASE WHEN instr(r.fields, '"time.start"') THEN r.time_start ELSE c.time_start END, a.published) AS date_start,
       COALESCE(CASE WHEN instr(r.fields, '"time.end"') THEN r.time_end ELSE c.time_end END, CASE WHEN instr(r.fields, '"time.start"') THEN r.time_start ELSE c.time_start END, a.published) AS date_end,
       CASE WHEN instr(r.fields, '"trend"') THEN r.trend ELSE c.trend END AS trend,
       CASE WHEN instr(r.fields, '"hedged"') THEN r.hedged ELSE c.hedged END AS hedged,
       CASE WHEN instr(r.fields, '"negated"') THEN r.negated ELSE c.negated END AS negated,
       c.confidence,
       CASE WHEN instr(r.fields, '"speaker.name"') THEN r.speaker_name ELSE s.name END AS speaker_name,
       CASE WHEN instr(r.fields, '"speaker.role"') THEN r.speaker_role ELSE s.role END AS speaker_role,
       CASE WHEN instr(r.fields, '"speaker.org"') THEN r.speaker_org ELSE s.org END AS speaker_org,
       CASE WHEN instr(r.fields, '"speaker.anonymous"') THEN r.speaker_anonymous ELSE s.anonymous END AS speaker_anonymous,
       c.speaker_quote, c.speaker_text, c.evidence, c.evidence_start, c.evidence_end,
       CASE WHEN instr(r.fields, '"places"') THEN r.locations ELSE (SELECT json_group_array(json_object('name', p.name, 'country', p.country, 'lat', p.lat, 'lon', p.lon,
                                            'geonames_id', p.geonames_id, 'precision', p.precision))
          FROM (SELECT pl.* FROM claim_places cp JOIN places pl ON pl.id = cp.place_id
                 WHERE cp.claim_id = c.id ORDER BY cp.seq) AS p) END AS locations,
       CASE WHEN instr(r.fields, '"places"') THEN (SELECT json_extract(j.value, '$.lat') FROM json_each(r.locations) j
         WHERE json_extract(j.value, '$.lat') IS NOT NULL ORDER BY j.key LIMIT 1) ELSE (SELECT pl.lat FROM claim_places cp JOIN places pl ON pl.id = cp.place_id
         WHERE cp.claim_id = c.id AND pl.lat IS NOT NULL ORDER BY cp.seq LIMIT 1) END AS latitude,
       CASE WHEN instr(r.fields, '"places"') THEN (SELECT json_extract(j.value, '$.lon') FROM json_each(r.locations) j
         WHERE json_extract(j.value, '$.lat') IS NOT NULL ORDER BY j.key LIMIT 1) ELSE (SELECT pl.lon FROM claim_places cp JOIN places pl ON pl.id = cp.place_id
         WHERE cp.claim_id = c.id AND pl.lat IS NOT NULL ORDER BY cp.seq LIMIT 1) END AS longitude,
       a.doc, a.title, a.outlet, a.published, a.url, a.duplicate_of, COALESCE(a.duplicate_of, a.id) AS original_id,
       r.status AS review_status, r.fields AS reviewed_fields, r.reviewer AS reviewed_by, r.at AS reviewed_at, r.note AS review_note, r.n AS reviews,
       c.lost_at,
       c.type AS machine_type,
       ac.name AS machine_actor,
       ac.wikidata AS machine_actor_id,
       c.children AS machine_children,
       c.forced AS machine_forced,
       c.count_low AS machine_count_low,
       c.count_high AS machine_count_high,
       c.count_approx AS machine_count_approx,
       c.count_unit AS machine_count_unit,
       c.count_text AS machine_count_text,
       c.rate AS machine_rate,
       c.time_start AS machine_time_start,
       c.time_end AS machine_time_end,
       c.trend AS machine_trend,
       c.hedged AS machine_hedged,
       c.negated AS machine_negated,
       s.name AS machine_speaker_name,
       s.role AS machine_speaker_role,
       s.org AS machine_speaker_org,
       s.anonymous AS machine_speaker_anonymous,
       CASE WHEN instr(r.fields, '"places"') THEN (SELECT json_group_array(json_object('name', p.name, 'country', p.country, 'lat', p.lat, 'lon', p.lon,
                                            'geonames_id', p.geonames_id, 'precision', p.precision))
          FROM (SELECT pl.* FROM claim_places cp JOIN places pl ON pl.id = cp.place_id
                 WHERE cp.claim_id = c.id ORDER BY cp.seq) AS p) END AS machine_locations
  FROM claims c
  JOIN articles a ON a.id = c.article_id
  LEFT JOIN actors ac ON ac.key = c.actor_key
  LEFT JOIN speakers s ON s.id = c.speaker_id
  LEFT JOIN claim_reviewed r ON r.claim_id = c.id;

-- claim_locations: one row per (claim, place) with latitude/longitude for map tools (reviewed places
-- when an analyst corrected them).
CREATE VIEW claim_locations AS
SELECT v.id AS claim_id, v.article_id, v.type, v.actor, v.count_low, v.count_high, v.count_text,
       json_extract(j.value, '$.name') AS place, json_extract(j.value, '$.country') AS country,
       json_extract(j.value, '$.lat') AS latitude, json_extract(j.value, '$.lon') AS longitude,
       json_extract(j.value, '$.geonames_id') AS geonames_id, json_extract(j.value, '$.precision') AS precision,
       v.review_status, v.evidence
  FROM claims_view v, json_each(v.locations) j;

-- claims_machine_view: the claims as the pipeline read them, reviews left aside (the columns of
-- claims_view that filters use, straight from the tables: SQLite can use their indexes).
CREATE VIEW claims_machine_view AS
SELECT c.id, c.article_id, c.seq, c.type, ac.name AS actor, ac.wikidata AS actor_id, c.children, c.forced,
       c.count_low, c.count_high, c.count_approx, c.count_unit, c.count_text, c.rate, c.time_start, c.time_end,
       COALESCE(c.time_start, a.published) AS date_start,
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
  JOIN articles a ON a.id = c.article_id
  LEFT JOIN actors ac ON ac.key = c.actor_key
  LEFT JOIN speakers s ON s.id = c.speaker_id;

CREATE VIEW independent_claims AS
SELECT * FROM claims_view WHERE duplicate_of IS NULL;
