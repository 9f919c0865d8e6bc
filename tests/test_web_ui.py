"""The web pages in a real browser: Debian's chromium driven by Playwright, against `muster serve`'s
app on the loopback, over a ledger of the bundled example articles ingested by the real pipeline.

The scenario of an analyst's session: filter the list, open a claim, correct its count, reject
another from the keyboard, reload, re-ingest the same articles, and find both reviews still there
and in the exports. Screenshots of the list, a claim page, the map and the timeline are written to
$MUSTER_SCREENSHOTS (the README's are made with MUSTER_SCREENSHOTS=docs/screenshots).

Skipped with the reason when chromium or Playwright is absent, except under CI=true, where that is
a failure (.ci/run installs chromium)."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from conftest import EXAMPLES, run_muster

CHROMIUM = os.environ.get("MUSTER_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _need_browser():
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "Playwright for Python is not installed (pip install -e '.[test]')"
    if missing is None and not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        missing = f"no chromium at {CHROMIUM} (apt-get install chromium)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"UI tests must run under CI: {missing}")
        pytest.skip(missing)
    return sync_playwright


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("ui") / "muster.db")
    proc = run_muster("ingest", str(EXAMPLES), "--db", db)
    assert proc.returncode == 0, proc.stderr
    return db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(ledger_path):
    import uvicorn

    from muster.interfaces.web.app import create_app

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(ledger_path), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _need_browser()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _shot(page, name: str) -> None:
    folder = os.environ.get("MUSTER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def test_an_analysts_session(server, browser, ledger_path):
    from muster.store import Ledger

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(server) else outside.append(r.url))

    # the list, filtered by a facet and by the filter form (an alias for the group)
    page.goto(server + "/")
    total = int(page.inner_text("#total"))
    page.click("section.facet[data-facet=type] a:text('recruitment')")
    page.wait_for_url("**type=recruitment**")
    page.fill("input[name=actor]", "ISIS")
    page.click("form.filters button")
    page.wait_for_url("**actor=ISIS**")
    shown = int(page.inner_text("#total"))
    assert 0 < shown < total
    assert all(t == "recruitment" for t in page.locator("table.claims tbody tr td:first-child").all_inner_texts())
    _shot(page, "list")

    # open the first claim, correct its count
    page.locator("table.claims tbody tr td.ev a").first.click()
    page.wait_for_url("**/claims/**")
    first = page.get_attribute(".claim-page", "data-claim")
    assert page.locator("mark.ev-chosen").count() >= 1
    page.fill("#f-count\\.low", "450")
    page.fill("#note", "checked against the UN report")
    page.press("#f-count\\.low", "Enter")
    page.wait_for_function("document.getElementById('status').textContent.trim() === 'corrected'")
    assert page.input_value("#f-count\\.low") == "450"
    assert "450" in page.inner_text("#log") and "checked against the UN report" in page.inner_text("#log")
    _shot(page, "claim")

    # the next claim in the list, rejected from the keyboard ("r" rejects and moves on)
    page.keyboard.press("j")
    page.wait_for_url(lambda url: first not in url)
    second = page.get_attribute(".claim-page", "data-claim")
    page.keyboard.press("r")
    page.wait_for_url(lambda url: second not in url)
    page.reload()

    # both reviews after a reload, on their pages
    page.goto(f"{server}/claims/{first}")
    assert page.inner_text("#status") == "corrected" and page.input_value("#f-count\\.low") == "450"
    page.goto(f"{server}/claims/{second}")
    assert page.inner_text("#status") == "rejected"

    # re-ingest the same articles with the pipeline, while the server runs
    proc = run_muster("ingest", str(EXAMPLES), "--db", ledger_path)
    assert proc.returncode == 0, proc.stderr
    page.goto(f"{server}/claims/{first}")
    assert page.inner_text("#status") == "corrected" and page.input_value("#f-count\\.low") == "450"
    page.goto(f"{server}/claims/{second}")
    assert page.inner_text("#status") == "rejected"
    page.goto(f"{server}/?status=reviewed")
    assert int(page.inner_text("#total")) == 2

    # and in the exports
    r = page.request.get(f"{server}/api/claims?status=reviewed&format=csv")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(r.text()))}
    assert rows[first]["review_status"] == "corrected" and rows[first]["count_low"] == "450"
    assert rows[first]["machine_count_low"] != "450"
    assert rows[second]["review_status"] == "rejected"
    out = run_muster("export", "--db", ledger_path, "-f", "jsonl")
    recs = [json.loads(x) for x in out.stdout.splitlines()]
    reviews = [e for rec in recs for e in rec["reviews"]]
    assert {(e["claim_id"], e["action"]) for e in reviews} == {(first, "set"), (second, "reject")}
    with Ledger(ledger_path) as led:
        assert led.claim(first)["review_status"] == "corrected" and led.claim(second)["review_status"] == "rejected"

    # a claim's page lists the claims of other articles that corroborate or contradict it: each link
    # opens that claim, whose page lists the first one back; the rejected claim is in no list
    ids = [c["id"] for c in page.request.get(f"{server}/api/claims?type=recruitment&limit=200").json()["claims"]]
    rels = {i: page.request.get(f"{server}/api/claims/{i}/related").json() for i in ids}
    assert all(second not in {r["id"] for k in ("corroborates", "contradicts") for r in rel[k]} for rel in rels.values())
    one = next(i for i in ids if rels[i]["contradicts"])
    page.goto(f"{server}/claims/{one}")
    page.wait_for_selector("#related ul.rel-contradicts")  # filled in by the script, from the API
    links = page.locator("#related ul.rel-contradicts li a")
    assert links.count() == len(rels[one]["contradicts"])
    assert page.locator("#related ul.rel-corroborates li").count() == max(1, len(rels[one]["corroborates"]))
    links.first.click()
    page.wait_for_url(lambda url: one not in url)
    page.wait_for_selector("#related ul.rel-contradicts")
    assert page.locator(f"#related ul.rel-contradicts a[href='/claims/{one}']").count() == 1

    # the map and the timeline
    page.goto(server + "/map")
    assert page.locator("svg.map circle.pt-town").count() > 0 and page.locator("svg.map path.land").count() > 100
    assert page.locator("svg.map circle.pt-country").count() > 0
    _shot(page, "map")
    page.goto(server + "/timeline")
    assert page.locator("figure.timeline").count() >= 1
    _shot(page, "timeline")

    assert not errors, errors
    assert not outside, f"the pages fetched from elsewhere: {outside}"
