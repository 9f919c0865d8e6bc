"""The gazetteer's SQLite index gives exactly what the pickled gazetteer holds."""
from __future__ import annotations

import os
import subprocess
import sys

from muster import gazetteer as gz


def test_index_rows_and_names_are_the_pickles():
    full, index = gz.load_full(), gz.load()
    assert isinstance(index, gz.GazetteerIndex) and len(index) == len(full)
    for name in ("raqqa", "deir ez zor", "paris", "syria", "mosul", "kentucky", "no such place at all"):
        assert index.lookup(name) == full.lookup(name)
        for i in full.lookup(name):
            assert [getattr(index, c)[i] for c in gz._COLUMNS] == [getattr(full, c)[i] for c in gz._COLUMNS]
    for sk in list(full.skeletons)[:50]:
        assert index.skeletons.get(sk, ()) == full.skeletons[sk]
    assert index.demonyms == full.demonyms and index.capitals == full.capitals and index.abbrevs == full.abbrevs


def test_opening_the_index_reads_no_pickle():
    """A new process opens the index without unpickling the gazetteer (the start-up of one article)."""
    code = ("import pickle, muster.gazetteer as g; calls = []; real = pickle.load\n"
            "pickle.load = lambda *a, **k: calls.append(1) or real(*a, **k)\n"
            "x = g.load(); x.lookup('raqqa'); print(type(x).__name__, len(calls))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ})
    assert out.stdout.split() == ["GazetteerIndex", "0"]


def test_a_forked_child_opens_its_own_connection():
    index = gz.load()
    index.lookup("aleppo")
    parent = index.conn()
    pid = os.fork()
    if pid == 0:  # the child must not use the parent's connection
        os._exit(0 if index.conn() is not parent and index.lookup("homs") else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0


def test_a_places_province_is_found_by_its_geonames_id_through_an_index(tmp_path):
    """facts nest a town in its province for one claim's page: the index answers by GeoNames id
    without reading all 270,000 places."""
    from muster import facts

    path = tmp_path / "g.sqlite"
    gz.write_index(gz.load_full(), path)
    index = gz.GazetteerIndex(path)
    plan = " ".join(str(r) for r in index.conn().execute(
        "EXPLAIN QUERY PLAN SELECT gid, admin1 FROM places WHERE gid > 0 AND admin1 IS NOT NULL AND gid IN (?)",
        (172955,)))
    assert "USING COVERING INDEX places_gid" in plan
    full = gz.load_full()
    raqqa = next(i for i in full.lookup("raqqa") if full.gid[i] == 172955)
    assert full.admin1[raqqa] and facts._admin1_of([172955]) == {172955: full.admin1[raqqa]}
