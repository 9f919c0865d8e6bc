"""`muster serve`: the HTTP API (api.py, under /api, OpenAPI at /docs) and the analyst's web pages
(pages.py, Jinja2 templates in templates/, script and style in static/) over one ledger file.
app.py puts them together with the guards: a token for writes off the loopback, read-only mode,
request size limits."""
