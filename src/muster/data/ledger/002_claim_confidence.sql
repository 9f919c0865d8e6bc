-- 002: every claim's confidence (0 to 1, calibrated: of the claims given 0.8, about 80 % are right),
-- from the claim finder (src/muster/claim_finder.py); NULL for claims stored before it existed.
ALTER TABLE claims ADD COLUMN confidence REAL;
CREATE INDEX claims_confidence ON claims(confidence);

-- the views over claims show it (a view is rebuilt whole in SQLite)
DROP VIEW independent_claims;
DROP VIEW claims_view;
CREATE VIEW claims_view AS
SELECT c.id, c.article_id, c.seq, c.type,
       ac.name AS actor, ac.wikidata AS actor_id,
       c.children, c.forced, c.count_low, c.count_high, c.count_approx, c.count_unit, c.count_text, c.rate,
       c.time_start, c.time_end,
       COALESCE(c.time_start, a.published) AS date_start,
       COALESCE(c.time_end, c.time_start, a.published) AS date_end,
       c.trend, c.hedged, c.negated, c.confidence,
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

CREATE VIEW independent_claims AS
SELECT * FROM claims_view WHERE duplicate_of IS NULL;
