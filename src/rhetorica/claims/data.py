"""Readers for the public check-worthiness sets (ClaimBuster, CLEF CheckThat! 2019/2020).

Every reader returns :class:`Example` rows with a ``group`` — the unit the lab ranked over
(a debate file for CLEF 2019, the topic for the 2020 tweets, one pooled group where the
release has no file column) — so MAP and P@k can be computed per group as the lab did.

The ClaimBuster release's own test split is held out elsewhere; we make a seeded split of
``train.json`` (:func:`claimbuster_split`) so training never sees our ClaimBuster test rows.
"""

from __future__ import annotations

import csv
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from rhetorica.ingest.errors import InputError

DATASET = "claimbuster-clef-checkworthiness"

csv.field_size_limit(10_000_000)


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: int  # 1: check-worthy
    group: str  # ranking unit (debate file, topic)
    source: str  # which set it came from


def _require(path: Path) -> Path:
    if not path.exists():
        raise InputError(str(path), "check-worthiness data file not found")
    return path


def load_claimbuster(root: Path) -> list[Example]:
    path = _require(root / "claimbuster_two_class" / "train.json")
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [Example(str(r["text"]), int(r["label"]), "claimbuster", "claimbuster") for r in rows]


def claimbuster_split(
    rows: list[Example], test_fraction: float = 0.2, seed: int = 0
) -> tuple[list[Example], list[Example]]:
    """Seeded split of train.json; stable across runs so eval never scores training rows."""
    idx = list(range(len(rows)))
    random.Random(seed).shuffle(idx)
    n_test = round(len(rows) * test_fraction)
    # Shuffled order, not file order: train.json lists its positives first, and a file-order
    # tie-break would flatter any scorer with ties.
    return [rows[i] for i in idx[n_test:]], [rows[i] for i in idx[:n_test]]


def load_clef2019(root: Path, part: str) -> list[Example]:
    name = {"train": "CT19-T1-Training.csv", "test": "CT19-T1-Test.csv"}[part]
    path = _require(root / "clef2019_task1" / name)
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Example(r["text"], int(r["label"]), r["file_name"], f"clef2019-{part}")
            for r in csv.DictReader(fh)
        ]


def load_clef2020_tweets(root: Path, part: str) -> list[Example]:
    name = {"train": "training_v2.tsv", "dev": "dev_v2.tsv", "test": "test-gold.tsv"}[part]
    path = _require(root / "clef2020_task1_tweets" / name)
    out: list[Example] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            label = r.get("check_worthiness", r.get("claim_worthiness"))
            out.append(Example(r["tweet_text"], int(label), r.get("topic_id") or "covid-19",
                               f"clef2020-t1-{part}"))
    return out


def load_clef2020_debates(root: Path, part: str) -> list[Example]:
    """The release has no file column, so the whole part is one ranking group."""
    name = {"train": "train.tsv", "test": "test-gold.tsv"}[part]
    path = _require(root / "clef2020_task5_debates" / name)
    out: list[Example] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if r.get("text") is None or r.get("label") not in ("0", "1"):
                continue
            out.append(Example(r["text"], int(r["label"]), "all", f"clef2020-t5-{part}"))
    return out


_NORM = re.compile(r"[^a-z0-9]+")


def norm_text(text: str) -> str:
    """Key used to drop training rows whose text also appears in an evaluation set."""
    return _NORM.sub(" ", text.lower()).strip()


def evaluation_sets(root: Path, seed: int = 0) -> dict[str, list[Example]]:
    _, cb_test = claimbuster_split(load_claimbuster(root), seed=seed)
    return {
        "ClaimBuster (seeded 20% of train.json)": cb_test,
        "CLEF 2019 T1 test (debates)": load_clef2019(root, "test"),
        "CLEF 2020 T1 test-gold (tweets)": load_clef2020_tweets(root, "test"),
        "CLEF 2020 T5 test-gold (debates)": load_clef2020_debates(root, "test"),
    }


def training_pool(root: Path, seed: int = 0) -> list[Example]:
    """All training parts, minus any row whose text also occurs in an evaluation set.

    The 2020 debate training set re-uses debates of earlier editions (including 2019's
    test debates), so exact-text de-contamination is needed for honest 2019 figures.
    """
    cb_train, _ = claimbuster_split(load_claimbuster(root), seed=seed)
    pool = (
        cb_train
        + load_clef2019(root, "train")
        + load_clef2020_tweets(root, "train")
        + load_clef2020_tweets(root, "dev")
        + load_clef2020_debates(root, "train")
    )
    held = {norm_text(e.text) for rows in evaluation_sets(root, seed).values() for e in rows}
    return [e for e in pool if norm_text(e.text) not in held and e.text.strip()]
