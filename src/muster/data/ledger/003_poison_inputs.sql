-- Schema version 3: an input that cost its worker process its life or its whole time budget (a
-- segfault, a hang, the memory cap) is remembered by the hash of its text, so that the next
-- ingest skips it rather than spending the budget on it again (`muster ingest --retry-failed`
-- runs it again).
ALTER TABLE errors ADD COLUMN input_hash TEXT;  -- model.content_id of the input's text as read; NULL for other errors
CREATE INDEX errors_input_hash ON errors(input_hash) WHERE input_hash IS NOT NULL;
