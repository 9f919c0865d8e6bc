"""The HTTP API and the pages of `muster serve`, through the real ASGI app (httpx), over a real ledger."""
from __future__ import annotations

import asyncio
import csv
import io
import json

import pytest
from test_ledger import article_a, article_b, article_c, claim_id_of

httpx = pytest.importorskip("httpx")

from muster.interfaces.web.app import create_app  # noqa: E402
from muster.store import Ledger  # noqa: E402


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "t.db")
    with Ledger(path) as led:
        led.ingest([article_a(), article_b(), article_c()])
    return path


def call(app, method: str, url: str, **kw) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
            return await client.request(method, url, **kw)

    return asyncio.run(go())


def test_claims_with_filters_and_pages(db):
    app = create_app(db)
    r = call(app, "GET", "/api/claims", params={"actor": "ISIS", "limit": 2})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 4 and len(body["claims"]) == 2 and "offset=2" in body["next"]
    page2 = call(app, "GET", body["next"]).json()
    assert page2["next"] is None and len(page2["claims"]) == 2
    assert {c["id"] for c in body["claims"]}.isdisjoint(c["id"] for c in page2["claims"])
    r = call(app, "GET", "/api/claims", params=[("type", "training"), ("type", "strength"), ("country", "Syria")])
    assert {c["type"] for c in r.json()["claims"]} == {"training", "strength"}
    assert call(app, "GET", "/api/claims", params={"q": "camps", "children": "true"}).json()["total"] == 2
    assert call(app, "GET", "/api/claims", params={"near": "2.0,45.3,20"}).json()["total"] == 1


def test_csv_and_geojson(db):
    app = create_app(db)
    r = call(app, "GET", "/api/claims", params={"format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 5 and "machine_count_low" in rows[0]
    gj = call(app, "GET", "/api/claims", params={"format": "geojson"}).json()
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 5


@pytest.mark.parametrize("params, says", [
    ({"country": "XX"}, "country: unknown country 'XX'"),
    ({"since": "2015-13"}, "since: no month 13"),
    ({"near": "1,2"}, "near: expected LAT,LON,KM"),
])
def test_bad_filters_are_a_400_naming_the_parameter(db, params, says):
    r = call(create_app(db), "GET", "/api/claims", params=params)
    assert r.status_code == 400 and says in r.json()["detail"]


def test_unknown_type_and_out_of_range_are_refused(db):
    app = create_app(db)
    assert call(app, "GET", "/api/claims", params={"type": "picnic"}).status_code == 422
    assert call(app, "GET", "/api/claims", params={"limit": 100000}).status_code == 422


def test_sql_only_through_parameters(db):
    app = create_app(db)
    for evil in ("x' OR 1=1 --", "'; DROP TABLE claims; --", "\") OR 1=1 --"):
        for key in ("actor", "speaker", "q"):
            r = call(app, "GET", "/api/claims", params={key: evil})
            assert r.status_code == 200 and r.json()["total"] == 0, (key, evil)
    with Ledger(db) as led:
        assert led.count_claims() == 5


def test_review_through_the_api_and_its_log(db):
    app = create_app(db)
    sid = claim_id_of(article_b(), 1)
    r = call(app, "POST", f"/api/claims/{sid}/reviews",
             json={"set": {"count.low": 2400}, "note": "checked", "reviewer": "ana"})
    assert r.status_code == 200, r.text
    assert r.json()["state"]["status"] == "corrected"
    claim = call(app, "GET", f"/api/claims/{sid}").json()
    assert claim["count"]["low"] == 2400 and claim["review"]["machine"] == {"count.low": 2500}
    assert [e["after"] for e in claim["log"]] == [2400]
    r = call(app, "POST", f"/api/claims/{sid}/reviews", json={"action": "reject"})
    assert r.json()["state"]["status"] == "rejected"
    assert len(call(app, "GET", f"/api/claims/{sid}/reviews").json()) == 2
    assert call(app, "GET", "/api/claims", params={"status": "rejected"}).json()["total"] == 1
    bad = call(app, "POST", f"/api/claims/{sid}/reviews", json={"set": {"count.low": "lots"}})
    assert bad.status_code == 400 and "count.low" in bad.json()["detail"]
    assert call(app, "POST", "/api/claims/c000000000000000/reviews", json={"action": "accept"}).status_code == 404


def test_writes_need_the_token_when_there_is_one(db):
    app = create_app(db, token="s3cret")
    sid = claim_id_of(article_b(), 1)
    assert call(app, "POST", f"/api/claims/{sid}/reviews", json={"action": "accept"}).status_code == 401
    assert call(app, "POST", f"/api/claims/{sid}/reviews", json={"action": "accept"},
                headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = call(app, "POST", f"/api/claims/{sid}/reviews", json={"action": "accept"},
              headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    assert call(app, "GET", "/api/claims").status_code == 200  # reading needs none


def test_read_only_takes_no_review(db):
    app = create_app(db, read_only=True)
    sid = claim_id_of(article_b(), 1)
    r = call(app, "POST", f"/api/claims/{sid}/reviews", json={"action": "accept"})
    assert r.status_code == 403 and "read-only" in r.json()["detail"]
    with Ledger(db) as led:
        assert led.reviews() == []


def test_a_write_from_another_site_is_refused(db):
    sid = claim_id_of(article_b(), 1)
    r = call(create_app(db), "POST", f"/api/claims/{sid}/reviews", json={"action": "accept"},
             headers={"Origin": "https://evil.example"})
    assert r.status_code == 403


def test_request_size_limits(db):
    app = create_app(db)
    sid = claim_id_of(article_b(), 1)
    r = call(app, "POST", f"/api/claims/{sid}/reviews", content=json.dumps({"note": "x" * 100_000}),
             headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert call(app, "GET", "/api/claims?q=" + "a" * 5000).status_code == 414


def test_articles_actors_facets_timeline(db):
    app = create_app(db)
    arts = call(app, "GET", "/api/articles").json()
    assert len(arts) == 3
    art = call(app, "GET", f"/api/articles/{article_b().id}").json()
    assert art["text"].startswith("Defecting") and len(art["claims"]) == 2
    actors = {a["name"]: a["claims"] for a in call(app, "GET", "/api/actors").json()}
    assert actors["Islamic State"] == 4
    facets = call(app, "GET", "/api/facets", params={"actor": "ISIS"}).json()
    assert {f["value"]: f["count"] for f in facets["type"]} == {"recruitment": 1, "defection": 1, "training": 1,
                                                               "strength": 1}
    assert {f["value"] for f in facets["review_status"]} == {"unreviewed"}
    tl = call(app, "GET", "/api/timeline").json()
    assert [p["low"] for p in tl["Islamic State"]] == [2500]


def test_openapi_and_docs_served_without_a_cdn(db):
    app = create_app(db)
    spec = call(app, "GET", "/openapi.json").json()
    assert "/api/claims" in spec["paths"] and "/api/claims/{claim_id}/reviews" in spec["paths"]
    docs = call(app, "GET", "/docs").text
    assert "swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    js = call(app, "GET", "/static-offline-docs/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 100_000


def test_pages_render_and_fetch_nothing_from_elsewhere(db):
    app = create_app(db)
    sid = claim_id_of(article_b(), 1)
    for url in ("/", "/?actor=ISIS&type=strength", f"/claims/{sid}", "/map", "/timeline"):
        r = call(app, "GET", url)
        assert r.status_code == 200, url
        for attr in ('src="http', "href=\"http", "url(http", "@import"):
            assert attr not in r.text.replace('href="http://127.0.0.1', ""), (url, attr)
    page = call(app, "GET", f"/claims/{sid}").text
    assert 'class="ev-chosen"' in page and "about 2,500 ISIS fighters" in page
    # the map draws a town and a country-level place differently
    assert "pt-town" in call(app, "GET", "/map").text
    # next / previous in the list's order (by date): the strength claim (2017) is the last
    assert call(app, "GET", f"/claims/{sid}/next?step=1").headers["location"] == "/"
    prev = call(app, "GET", f"/claims/{sid}/next?step=-1").headers["location"]
    assert prev.startswith(f"/claims/{claim_id_of(article_c(), 0)}")


def test_answers_remembered_are_forgotten_when_another_process_writes(db):
    """The list (its page, total and facets) is remembered while the ledger does not change; a
    review written by another connection (another worker process, `muster review`) is seen at once."""
    app = create_app(db)
    first = call(app, "GET", "/api/claims", params={"type": "strength", "country": "IQ"}).json()
    assert first["total"] == 1 and first["claims"][0]["type"] == "strength"
    cid = first["claims"][0]["id"]
    with Ledger(db) as other:
        other.review(cid, sets={"type": "training"}, reviewer="ana")
    assert call(app, "GET", "/api/claims", params={"type": "strength", "country": "IQ"}).json()["total"] == 0
    facets = call(app, "GET", "/api/facets", params={"country": "IQ"}).json()
    assert {"value": "corrected", "count": 1} in facets["review_status"]
    page = call(app, "GET", "/", params={"type": "training", "country": "IQ"}).text
    assert cid in page


def test_serve_with_two_worker_processes(db):
    """`muster serve --workers 2`: both processes answer, and a review taken by one is seen by the
    other (each remembers answers, and forgets them when the ledger changes)."""
    import http.client
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "muster", "serve", "--db", db, "--port", str(port),
                               "--workers", "2"], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read().decode()[-2000:]
                time.sleep(0.2)

        def get(path: str, method: str = "GET", body: str | None = None) -> tuple[int, str]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # a new connection: any worker
            conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            return resp.status, resp.read().decode()

        for _ in range(6):  # each worker asked, and remembers the list and its facets
            status, text = get("/api/claims?type=strength&country=IQ")
            assert status == 200 and '"total":1' in text
            assert '"rejected"' not in get("/api/facets?type=strength&country=IQ")[1]
        cid = json.loads(text)["claims"][0]["id"]
        assert get(f"/api/claims/{cid}/reviews", "POST", json.dumps({"action": "reject"}))[0] == 200
        for _ in range(6):
            assert '"rejected"' in get("/api/facets?type=strength&country=IQ")[1]
    finally:
        server.terminate()
        server.wait(20)


def test_a_claims_related_claims_in_the_api(tmp_path):
    from test_facts import article, claim, ids_by_evidence

    path = str(tmp_path / "r.db")
    with Ledger(path) as led:
        led.add_article(article("a1", "The Guardian", "2017-10-10",
                                claim("About 2,500 Isis fighters are in Raqqa.", 2500, 2500, approx=True)))
        led.add_article(article("a2", "Reuters", "2017-10-11",
                                claim("Some 2,400 militants hold Raqqa, the SDF said.", 2400, 2400, approx=True, speaker="SDF")))
        led.add_article(article("a3", "BBC", "2017-10-12", claim("As many as 4,000 Isis fighters are left in Raqqa.", None, 4000)))
        ids = ids_by_evidence(led)
    about, some, only = (ids[s] for s in ("About 2,500 Isis fighters are in Raqqa.",
                                          "Some 2,400 militants hold Raqqa, the SDF said.",
                                          "As many as 4,000 Isis fighters are left in Raqqa."))
    app = create_app(path)
    rel = call(app, "GET", f"/api/claims/{about}/related").json()
    assert [r["id"] for r in rel["corroborates"]] == [some] and [r["id"] for r in rel["contradicts"]] == [only]
    assert rel["corroborates"][0]["outlet"] == "Reuters" and rel["corroborates"][0]["count"] == {"low": 2400, "high": 2400}
    assert rel["copy_of"] is None and rel["copies"] == []
    page = call(app, "GET", f"/claims/{about}").text  # the page asks the API (its script; the browser test)
    assert f'data-url="/api/claims/{about}/related"' in page
    # a review changes the answer at once (the remembered one is forgotten): a rejected claim leaves the relations
    assert call(app, "POST", f"/api/claims/{only}/reviews", json={"action": "reject"}).status_code == 200
    assert call(app, "GET", f"/api/claims/{about}/related").json()["contradicts"] == []
    assert call(app, "GET", f"/api/claims/{only}/related").json()["corroborates"] == []
    assert call(app, "GET", "/api/claims/c000000000000000/related").status_code == 404


def test_the_timeline_draws_a_repeated_statement_once(tmp_path):
    from test_facts import article, claim

    s = "At least 2,500 Isis fighters remain in Raqqa, the coalition said."
    path = str(tmp_path / "t.db")
    with Ledger(path) as led:
        led.add_article(article("a1", "The Guardian", "2017-10-01", claim(s, 2500, None, speaker="the coalition")))
        led.add_article(article("a2", "Reuters", "2017-10-02", claim(s, 2500, None, speaker="the coalition")))
        led.add_article(article("a3", "BBC", "2017-10-20", claim("The SDF said 4,000 Isis fighters remained in Raqqa.",
                                                                 4000, 4000, speaker="SDF")))
    app = create_app(path)
    points = call(app, "GET", "/api/timeline").json()["Islamic State"]
    assert sorted((p["low"], p["source"], p["copies"]) for p in points) == [(2500, "The Guardian", 1), (4000, "BBC", 0)]
    assert "repeated by 1 other article" in call(app, "GET", "/timeline").text
