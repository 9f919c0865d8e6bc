-- Independent claims leave out the claims that repeat another article's statement too (claim_copies,
-- kept by the facts stage, schema 6), not only the claims of near-duplicate articles.
DROP VIEW independent_claims;
CREATE VIEW independent_claims AS
SELECT * FROM claims_view WHERE duplicate_of IS NULL AND id NOT IN (SELECT claim_id FROM claim_copies);
