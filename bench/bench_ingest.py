"""`rhetorica corpus add` of a folder of local HTML pages: documents/s and memory.

    python bench/bench_ingest.py [--files 10000] [--embedder wordllama]

Writes --files generated news pages (Open Graph and JSON-LD metadata, 4-8 paragraphs, one
page in five a wire copy of an earlier one under another headline) into a temporary folder,
then runs the real command (`rhetorica corpus add FOLDER`) in a child process, so the
figures include reading, metadata, passages, vectors and wire-copy detection, and the peak
RSS is the command's own. Runs --files/4 first to show whether memory grows with the
number of files. Target (issue 16): >= 200 documents/s on 2 cores, memory flat.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import OBJECTS, SUBJECTS, VERBS

TOWNS = ["Riverton", "Harlow Bay", "Calder", "Greystone", "Eastbury", "Westport", "Northgate"]


def page(i: int, rng: random.Random, paragraphs: list[str], headline: str) -> str:
    town = rng.choice(TOWNS)
    day = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "headline": headline, "datePublished": day,
                     "author": {"@type": "Person", "name": f"Reporter {i % 40}"},
                     "publisher": {"@type": "Organization", "name": f"{town} Ledger"}})
    return (f"<!doctype html><html lang=en><head><title>{headline} | {town} Ledger</title>"
            f'<meta property="og:title" content="{headline}">'
            f'<meta property="og:site_name" content="{town} Ledger">'
            f'<script type="application/ld+json">{ld}</script></head><body>'
            f"<nav><a href=/>Home</a> <a href=/local>Local</a></nav><article><h1>{headline}</h1>"
            f"{body}</article><footer>Copyright {town} Ledger</footer></body></html>")


def news_words() -> tuple[list[str], list[int]]:
    """Words of our own news articles (data/wire) with their counts: sentences drawn from
    them overlap as much as unrelated news does (templated sentences would all look like
    copies of each other)."""
    import re
    from collections import Counter
    from importlib import resources

    import yaml

    base = Path(str(resources.files("rhetorica.data.wire")))
    data = yaml.safe_load((base / "articles.yaml").read_text("utf-8"))
    counts = Counter(w for e in data["events"] for a in e["articles"]
                     for w in re.findall(r"[A-Za-z][a-z'-]*|\d+", str(a["text"])))
    words = sorted(counts)
    return words, [counts[w] for w in words]


def write_pages(folder: Path, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    words, weights = news_words()

    def sentence() -> str:
        ws = rng.choices(words, weights, k=rng.randint(12, 28))
        return " ".join(ws).capitalize() + "."

    stories: list[list[str]] = []
    for i in range(n):
        if stories and rng.random() < 0.2:  # a wire copy: same story, new headline, trimmed
            paras = rng.choice(stories)
            paras = paras[:max(2, len(paras) - rng.randint(0, 2))]
        else:
            paras = [" ".join(sentence() for _ in range(rng.randint(2, 4)))
                     for _ in range(rng.randint(4, 8))]
            stories.append(paras)
        headline = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} ({i})"
        (folder / f"page{i:05d}.html").write_text(page(i, rng, paras, headline), "utf-8")


def run(folder: Path, db: Path, embedder: str) -> tuple[float, float, dict]:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "rhetorica.cli.main", "corpus", "add",
                           str(folder), "--db", str(db), "--embedder", embedder, "--json"],
                          capture_output=True, text=True, env={**os.environ})
    dt = time.perf_counter() - t
    if proc.returncode:
        sys.exit(proc.stderr)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return dt, rss, json.loads(proc.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--embedder", default="wordllama")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in (args.files // 4, args.files):
            folder = Path(tmp) / f"pages{n}"
            folder.mkdir()
            write_pages(folder, n)
            dt, rss, rep = run(folder, Path(tmp) / f"corpus{n}.db", args.embedder)
            groups = subprocess.run(
                [sys.executable, "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
                 "print(c.execute('SELECT count(*) FROM corpus_documents WHERE dup_group <> id')"
                 ".fetchone()[0])", str(Path(tmp) / f"corpus{n}.db")],
                capture_output=True, text=True).stdout.strip()
            print(f"{n:>6} files: {rep['documents_added']} documents, "
                  f"{rep['passages_added']} passages, {groups} grouped as wire copies; "
                  f"{dt:.1f} s -> {n / dt:,.0f} documents/s; peak RSS (largest child so far) "
                  f"{rss:,.0f} MiB")


if __name__ == "__main__":
    main()
