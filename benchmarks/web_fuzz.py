"""Schemathesis against ``newstrace serve``'s OpenAPI document (issue 11, acceptance 3): the
long version of tests/test_web_fuzz.py.

    python benchmarks/web_fuzz.py [--examples 300] [--seed 11] [--db FILE] [--serve]

The app runs in-process (ASGI, no socket) over the web tests' small store (the seed, a copy, the
AP confirmation and the XSS probe; tests/fixtures/web/stores.py), or over ``--db``; with
``--serve``, a ``newstrace serve`` process is started and fuzzed over HTTP instead. Every phase
schemathesis has runs (the schema's examples, coverage of each parameter's boundaries and
invalid values, then ``--examples`` generated cases per operation, positive and negative) with
every default check: no 5xx, status codes, content types and bodies as documented (the error
envelope), valid input accepted, invalid input rejected, undeclared methods answered 405 with
``Allow``. Prints the counts (operations, requests, responses by status, failures by check);
exit status 1 if any failure or any 5xx. First, every story, article, claim and source of
the store is read through the API and each body validated against its documented schema.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "web"))

# 413 / 414 reject a request as surely as a 422 (an over-long id, percent-encoded, is past the
# server's URL limit before FastAPI sees it): schemathesis' default list lacks them.
REJECTED = [400, 401, 403, 404, 405, 406, 409, 413, 414, 415, 422, 428, 429]


@dataclass
class Counts:
    operations: int = 0
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # by check
    examples: dict[str, str] = field(default_factory=dict)  # check -> first failure, with curl
    errors: list[str] = field(default_factory=list)  # schemathesis could not run something
    seconds: float = 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def summary(self) -> str:
        lines = [
            f"operations {self.operations}, requests {self.requests}, "
            f"5xx {self.server_errors}, failures {sum(self.failures.values())}, "
            f"errors {len(self.errors)}, {self.seconds:.1f} s",
            "responses by status: "
            + ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items())),
            "failures by check: "
            + (", ".join(f"{c}: {n}" for c, n in sorted(self.failures.items())) or "none"),
        ]
        lines += [f"  {c}: {ex}" for c, ex in sorted(self.examples.items())]
        lines += [f"  error: {e}" for e in self.errors]
        return "\n".join(lines)


def run(app: Any, *, examples: int, seed: int, url: str | None = None) -> Counts:
    """Every schemathesis phase against ``app``'s /openapi.json, in-process; or, with ``url``,
    against the server there (``http://127.0.0.1:PORT``) over HTTP."""
    import schemathesis
    from schemathesis.config import SchemathesisConfig
    from schemathesis.engine import Status, events, from_schema

    config = SchemathesisConfig.from_dict(
        {
            "seed": seed,
            "generation": {"max-examples": examples, "database": "none", "mode": "all"},
            "checks": {"negative_data_rejection": {"expected-statuses": REJECTED}},
        }
    )
    if url is not None:
        schema = schemathesis.openapi.from_url(url + "/openapi.json", config=config)
    else:
        schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    counts = Counts()
    started = time.monotonic()
    labels: set[str] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            rec = event.recorder
            if event.phase.name != "STATEFUL_TESTING":  # its scenarios chain operations
                labels.add(rec.label)
            for interaction in rec.interactions.values():
                counts.requests += 1
                if interaction.response is not None:
                    counts.statuses[interaction.response.status_code] += 1
            for nodes in rec.checks.values():
                for node in nodes:
                    if node.status != Status.FAILURE:
                        continue
                    counts.failures[node.name] += 1
                    info = node.failure_info
                    if info is not None and node.name not in counts.examples:
                        counts.examples[node.name] = (
                            f"{rec.label}: {info.failure.title}: "
                            f"{info.failure.message.strip()[:300]}\n    {info.code_sample[:400]}"
                        )
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            counts.errors.append(str(getattr(event, "info", None) or event))
    counts.operations = len(labels)
    counts.seconds = time.monotonic() - started
    return counts


def walk(app: Any, *, most: int = 1000) -> tuple[Counter[str], list[str]]:
    """Every story of the store, each of its articles and claims, and every source they name
    (``most`` of each at most), read through the API; each 200 body validated against the
    schema /openapi.json gives it. Returns the responses per operation and the violations."""
    import jsonschema_rs
    from fastapi.testclient import TestClient

    client = TestClient(app, raise_server_exceptions=False)
    doc = client.get("/openapi.json").json()
    seen: Counter[str] = Counter()
    bad: list[str] = []

    def get(path: str, url: str) -> Any:
        r = client.get(url)
        if r.status_code != 200:
            bad.append(f"{url}: {r.status_code} {r.text[:200]}")
            return None
        ok = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        body = r.json()
        bad.extend(
            f"{url}: {e.instance_path}: {e.message[:200]}"
            for e in jsonschema_rs.validator_for(ok["schema"]).iter_errors(body)
        )
        seen[path] += 1
        return body

    get("/api/overview", "/api/overview")
    for kind in ("articles", "claims"):
        get("/api/search", f"/api/search?kind={kind}&limit=100")
        get("/api/search", f"/api/search?kind={kind}&q=said&limit=100")
    articles: set[str] = set()
    claims: set[str] = set()
    sources: set[str] = set()
    offset, total = 0, 1
    while offset < total and seen["/api/stories/{story_id}"] < most:
        page = get("/api/stories", f"/api/stories?limit=100&offset={offset}") or {}
        total, offset = page.get("total", 0), offset + 100
        for s in page.get("stories", []):
            story = get("/api/stories/{story_id}", f"/api/stories/{s['story']}?limit=100") or {}
            articles |= {a["id"] for a in story.get("articles", [])}
            claims |= {c["claim"] for c in story.get("claims", [])}
    for a in sorted(articles)[:most]:
        art = get("/api/article", "/api/article?id=" + quote(a, safe="")) or {}
        sources |= {
            x["source"]["resolved"]
            for x in art.get("attributions", [])
            if (x.get("source") or {}).get("resolved")
        }
    for c in sorted(claims)[:most]:
        get("/api/claims/{claim_id}", "/api/claims/" + quote(c, safe=""))
    for name in sorted(sources)[:most]:
        get("/api/source", "/api/source?limit=100&name=" + quote(name, safe=""))
    return seen, bad


def small_store(tmp: Path) -> Path:
    import stores

    db = tmp / "web.db"
    stores.small_store(db)
    return db


def small_app(tmp: Path) -> Any:
    from newstrace.web import create_app, prepare

    db = small_store(tmp)
    prepare(str(db))
    return create_app(str(db))


@contextmanager
def served(db: str, *options: str) -> Iterator[str]:
    """``newstrace serve --db DB [OPTIONS]`` on a free port (uvicorn, its HTTP parser): its
    base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-c", "from newstrace.cli import main; main()", "serve"]
    proc = subprocess.Popen(
        [*cmd, "--db", db, "--port", str(port), *options], stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(base + "/api/overview", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--examples", type=int, default=300, help="generated cases per operation")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--db", help="a newstrace store to serve (default: the web tests' store)")
    ap.add_argument(
        "--serve",
        action="store_true",
        help="fuzz a `newstrace serve` process over HTTP (uvicorn's parser too), not in-process",
    )
    args = ap.parse_args()
    from newstrace.web import create_app, prepare

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(small_store(Path(tmp)))
        prepare(db)
        app = create_app(db)
        seen, bad = walk(app)
        if args.serve:
            with served(db) as url:
                counts = run(None, examples=args.examples, seed=args.seed, url=url)
        else:
            counts = run(app, examples=args.examples, seed=args.seed)
    print(
        f"every story, article, claim and source through the API: {sum(seen.values())} "
        f"responses ({', '.join(f'{p} {n}' for p, n in sorted(seen.items()))}), "
        f"{len(bad)} not as documented"
    )
    for b in bad[:20]:
        print("  " + b)
    where = "a `newstrace serve` process, over HTTP" if args.serve else "in-process (ASGI)"
    print(f"schemathesis, {where}, {args.examples} examples per operation, seed {args.seed}")
    print(counts.summary())
    return 1 if bad or counts.failures or counts.server_errors or counts.errors else 0


if __name__ == "__main__":
    sys.exit(main())
