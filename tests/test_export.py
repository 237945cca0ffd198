"""Exports open in the tools they are for: Parquet in DuckDB (documented columns, real queries),
CSV and JSONL with the same rows, GraphML in networkx, ClaimReview as JSON-LD that expands to
schema.org terms. The store is only read."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "linking"))

import records as R  # noqa: E402

from newstrace.cli import cli  # noqa: E402
from newstrace.export import TABLES, export  # noqa: E402
from newstrace.export.graphml import EDGE_TYPES, NODE_KINDS  # noqa: E402
from newstrace.linking.link import link_store  # noqa: E402
from newstrace.store import open_store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DUCK = {"int": "BIGINT", "str": "VARCHAR", "bool": "BOOLEAN", "list": "VARCHAR[]"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed, an AP confirmation and a copy of the AFP story, linked."""
    path = tmp_path_factory.mktemp("store") / "n.db"
    with open_store(path) as store:
        for rec in (R.seed_analyzed(), R.confirm_analyzed(), R.copy_analyzed()):
            assert store.add(rec)
        link_store(store)
    return path


@pytest.fixture(scope="module")
def out(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    with open_store(db, readonly=True) as store:
        for fmt in ("parquet", "csv", "jsonl", "graphml", "claimreview"):
            written = export(store, folder / fmt, fmt)
            assert written and all(p.exists() for p in written)
    return folder


def test_parquet_opens_in_duckdb_with_the_documented_columns(out: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    for table, cols in TABLES.items():
        got = con.execute(f"DESCRIBE SELECT * FROM '{out / 'parquet' / table}.parquet'").fetchall()
        assert [(r[0], r[1]) for r in got] == [(c.name, DUCK[c.type]) for c in cols], table
    p = out / "parquet"
    # Who is behind the bounty claim, and which outlets only carry it: a join over three tables.
    rows = con.execute(
        f"""
        SELECT c.claim, c.independent_sources, c.origin, count(DISTINCT a.publisher)
        FROM '{p}/claims.parquet' c
        JOIN '{p}/claim_members.parquet' m ON m.claim = c.claim
        JOIN '{p}/articles.parquet' a ON a.seq = m.article_seq
        WHERE c.text ILIKE '%offered rewards%'
        GROUP BY ALL
        ORDER BY 4 DESC, 2 DESC
        """
    ).fetchall()
    assert rows, "the bounty claim is exported with its members"
    claim, independent, origin, outlets = rows[0]
    assert independent >= 1 and "anonymous officials" in origin and outlets >= 2
    # The copy points at the earliest version, in the same story.
    (copy,) = con.execute(
        f"""
        SELECT a.publisher, o.publisher, a.story = o.story
        FROM '{p}/copies.parquet' k
        JOIN '{p}/articles.parquet' a ON a.seq = k.article_seq
        JOIN '{p}/articles.parquet' o ON o.seq = k.copy_of_seq
        """
    ).fetchall()
    assert copy[2] is True and copy[0] != copy[1]
    anon = con.execute(
        f"SELECT DISTINCT source FROM '{p}/attributions.parquet' WHERE anonymous"
    ).fetchall()
    assert ("anonymous officials",) in anon
    assert con.execute(
        f"SELECT list_contains(agencies, 'AFP') FROM '{p}/articles.parquet' WHERE seq = 1"
    ).fetchone() == (True,)
    (n_stories,) = con.execute(f"SELECT count(*) FROM '{p}/stories.parquet'").fetchone()
    assert n_stories >= 1


def test_csv_and_jsonl_hold_the_same_rows(out: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    for table, cols in TABLES.items():
        n = con.execute(f"SELECT count(*) FROM '{out / 'parquet' / table}.parquet'").fetchone()
        lines = (out / "jsonl" / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == n[0], table
        for line in lines:
            assert list(json.loads(line)) == [c.name for c in cols]
        csv = con.execute(
            f"SELECT count(*) FROM read_csv('{out / 'csv' / table}.csv', header = true)"
        ).fetchone()
        assert csv == n, table
    art = json.loads((out / "jsonl" / "articles.jsonl").read_text("utf-8").splitlines()[0])
    assert art["agencies"] == ["AFP"] and "# Russia Spies" in art["text"]


def test_readme_documents_every_column() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exports", 1)[1].split("\n## ", 1)[0]
    for table, cols in TABLES.items():
        m = re.search(rf"^\|\s*`{table}`\s*\|(.+)$", section, re.M)
        assert m, f"README Exports: no row for {table}"
        documented = re.findall(r"`(\w+)`", m.group(1))
        assert documented == [c.name for c in cols], table


def test_graphml_parses_with_networkx(out: Path) -> None:
    nx = pytest.importorskip("networkx")
    files = sorted((out / "graphml").glob("*.graphml"))
    assert files
    types: set[str] = set()
    anonymous = []
    for f in files:
        g = nx.read_graphml(f)
        assert g.is_directed()
        for _n, d in g.nodes(data=True):
            assert d["kind"] in NODE_KINDS
            if d.get("anonymous") is True:
                anonymous.append(d["label"])
        for _u, _v, d in g.edges(data=True):
            assert d["type"] in EDGE_TYPES and d["weight"] >= 1
            types.add(d["type"])
    assert {"publishes", "cites", "relays", "copies", "disputes"} <= types
    assert any("anonymous officials" in a for a in anonymous)
    # The New York Times relays its anonymous officials.
    g = nx.read_graphml(max(files, key=lambda f: f.stat().st_size))
    labels = nx.get_node_attributes(g, "label")
    assert any(
        "New York Times" in labels[u] and "anonymous officials" in labels[v]
        for u, v, d in g.edges(data=True)
        if d["type"] == "relays"
    )


# The schema.org terms the export may use; a JSON-LD processor maps each to its IRI.
SCHEMA_TERMS = {
    "ClaimReview",
    "Claim",
    "CreativeWork",
    "Organization",
    "Person",
    "Thing",
    "claimReviewed",
    "itemReviewed",
    "reviewBody",
    "author",
    "firstAppearance",
    "appearance",
    "url",
    "headline",
    "publisher",
    "datePublished",
    "identifier",
    "name",
    "description",
}
# Offline stand-in for https://schema.org's context: every term in the schema.org vocabulary.
STUB_CONTEXT = {"@context": {"@vocab": "https://schema.org/", "url": {"@type": "@id"}}}


def _loader(url: str, options: Any = None) -> dict[str, Any]:
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {"contextUrl": None, "documentUrl": url, "document": STUB_CONTEXT}


def _iris(node: Any, found: set[str]) -> None:
    if isinstance(node, list):
        for x in node:
            _iris(x, found)
    elif isinstance(node, dict):
        for k, v in node.items():
            if k == "@type":
                found.update(v if isinstance(v, list) else [v])
            elif not k.startswith("@"):
                found.add(k)
            _iris(v, found)


def test_claimreview_is_json_ld_with_schema_org_types(out: Path) -> None:
    jsonld = pytest.importorskip("pyld.jsonld")
    doc = json.loads((out / "claimreview" / "claims.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == "https://schema.org"
    reviews = doc["@graph"]
    assert reviews and all(r["@type"] == "ClaimReview" for r in reviews)
    assert not any("reviewRating" in json.dumps(r) for r in reviews)  # no rating invented
    bounty = next(r for r in reviews if "offered rewards" in r["claimReviewed"])
    item = bounty["itemReviewed"]
    assert item["@type"] == "Claim" and "anonymous officials" in item["author"]["name"]
    assert item["firstAppearance"]["publisher"]["name"] == "The Moscow Times"
    assert item["firstAppearance"]["url"] == R.SEED_URL
    assert len(item["appearance"]) >= 2
    assert all(a["@type"] == "CreativeWork" for a in item["appearance"])

    expanded = jsonld.expand(doc, {"documentLoader": _loader})
    iris: set[str] = set()
    _iris(expanded, iris)
    assert "https://schema.org/ClaimReview" in iris
    assert {i.removeprefix("https://schema.org/") for i in iris} <= SCHEMA_TERMS
    assert all(i.startswith("https://schema.org/") for i in iris)


def test_export_leaves_the_store_unchanged(db: Path, tmp_path: Path) -> None:
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    res = CliRunner().invoke(
        cli, ["export", "--db", str(db), "--to", str(tmp_path / "x"), "--format", "csv"]
    )
    assert res.exit_code == 0, res.output
    assert "articles.csv\t3" in res.output
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_export_of_a_missing_store_is_one_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        cli, ["export", "--db", str(tmp_path / "none.db"), "--to", str(tmp_path / "x")]
    )
    assert res.exit_code == 4 and "no such database" in res.output
    assert not (tmp_path / "none.db").exists()


def test_postgresql_store_exports_the_same_tables(pg_db: str, out: Path, tmp_path: Path) -> None:
    """The same records linked in PostgreSQL export the rows the SQLite store exports."""
    duckdb = pytest.importorskip("duckdb")
    with open_store(pg_db) as store:
        for rec in (R.seed_analyzed(), R.confirm_analyzed(), R.copy_analyzed()):
            assert store.add(rec)
        link_store(store)
    with open_store(pg_db, readonly=True) as store, store.snapshot():
        for fmt in ("parquet", "graphml", "claimreview"):
            export(store, tmp_path / fmt, fmt)
    con = duckdb.connect()
    for table in TABLES:
        cols = ", ".join(c.name for c in TABLES[table])
        q = f"SELECT {cols} FROM '{{}}/parquet/{table}.parquet' ORDER BY ALL"
        sqlite = con.execute(q.format(out)).fetchall()
        assert con.execute(q.format(tmp_path)).fetchall() == sqlite, table
    assert sorted(p.name for p in (tmp_path / "graphml").iterdir()) == sorted(
        p.name for p in (out / "graphml").iterdir()
    )
