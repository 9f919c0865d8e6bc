"""The interfaces over the store: the command line (muster.cli, kept at its old place for the
`muster` entry point), the HTTP API and web pages (web/), and the presentation they share
(present.py: tables, CSV, JSON Lines, GeoJSON, highlighted articles)."""
