"""``rhetorica eval monitor``: how noisy are the bundled indicators on ordinary political talk?

A watcher is only useful if it stays quiet until something happens. This evaluation runs the
bundled watchlist over LIAR's PolitiFact statements (``<data>/liar``, 2007-2016, research use
only: evaluation, never training) — none of which is a report of a domestic deployment
escalation in the sense of the watchlist — and counts how many statements fire each
indicator, beside a keyword baseline (the indicator's head words, no context, no
exclusions). Lower is quieter; every hit is listed with ``--json`` for inspection.

Indicator *recall and timing* are evaluated on the replayed synthetic stream in
``tests/monitor/test_replay.py`` (the exact alerts and their dates).

Matching here is regex + example similarity over each statement as one sentence; token
patterns need the spaCy parse and are skipped (they only add paraphrases of
``troops_deployed``).
"""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rhetorica.document import Document
from rhetorica.ingest.errors import InputError

NEEDS_DATA = True

BASELINE = {
    "troops_deployed": r"\b(national guard|troops|soldiers)\b",
    "guard_federalized": r"\bfederali[sz]",
    "insurrection_act": r"\binsurrection act\b",
    "state_federal_clash": r"\bclash(ed|es)?\b",
    "state_lawsuit": r"\b(lawsuits?|sue[sd]?|suing)\b",
    "curfew": r"\bcurfews?\b",
    "mass_arrests": r"\b(arrests?|arrested|detained)\b",
    "court_order": r"\b(court|judge|injunction)\b",
    "martial_law": r"\bmartial law\b",
}


def load_liar(data_dir: Path, limit: int | None = None) -> list[str]:
    folder = Path(data_dir) / "liar"
    files = [folder / n for n in ("train.tsv", "valid.tsv") if (folder / n).exists()]
    if not files:
        raise InputError(str(folder), "LIAR train.tsv/valid.tsv not found (pass --data)")
    texts: list[str] = []
    csv.field_size_limit(10**7)
    for f in files:
        with f.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) > 2 and row[2].strip():
                    texts.append(row[2].strip())
    return texts[:limit] if limit else texts


def evaluate(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    from rhetorica.monitor.watchlist import IndicatorMatcher, load_watchlist

    texts = load_liar(data_dir, limit)
    wl = load_watchlist()
    matcher = IndicatorMatcher(wl)
    docs = [Document(t) for t in texts]
    t0 = time.perf_counter()
    for i in range(0, len(docs), 256):
        matcher.pipe(docs[i:i + 256])
    seconds = time.perf_counter() - t0
    ours: Counter[str] = Counter()
    hits: list[dict[str, Any]] = []
    for d in docs:
        for s in d.layer("indicator"):
            ours[s.label] += 1
            hits.append({"indicator": s.label, "method": s.attrs.get("method"),
                         "score": s.score, "text": d.text})
    base: Counter[str] = Counter()
    compiled = {k: re.compile(v, re.IGNORECASE) for k, v in BASELINE.items()}
    for t in texts:
        for k, rx in compiled.items():
            if rx.search(t):
                base[k] += 1
    n = len(texts)
    per_k = lambda c: round(1000.0 * c / n, 2) if n else 0.0  # noqa: E731
    rows = [[ind.id, ours[ind.id], per_k(ours[ind.id]), base[ind.id], per_k(base[ind.id])]
            for ind in wl.indicators]
    any_ours = sum(1 for d in docs if d.layer("indicator"))
    any_base = sum(1 for t in texts if any(rx.search(t) for rx in compiled.values()))
    rows.append(["any indicator", any_ours, per_k(any_ours), any_base, per_k(any_base)])
    return {
        "name": "monitor",
        "data": "LIAR train+valid statements (research use only; evaluation, not training)",
        "statements": n,
        "seconds": round(seconds, 2),
        "statements_per_second": round(n / seconds, 1) if seconds else None,
        "hits": hits,
        "tables": [{
            "title": f"Indicator firings on {n} ordinary political statements (lower = quieter)",
            "columns": ["indicator", "watchlist", "per 1,000", "keyword baseline", "per 1,000"],
            "rows": rows,
        }],
        "notes": [
            "Watchlist = bundled domestic-deployment list (regex + examples, exclusions); "
            "baseline = the indicator's head words anywhere in the statement.",
            "Recall and timing of alerts: tests/monitor/test_replay.py (synthetic stream).",
            f"Matched {n} statements in {seconds:.1f} s; --json lists every watchlist hit.",
        ],
    }
