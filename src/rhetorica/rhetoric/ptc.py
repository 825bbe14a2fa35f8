"""The Propaganda Techniques Corpus (SemEval-2020 Task 11) format, split and official metrics.

Kept apart from the model so the evaluator, the training script and the tests share one
reader and one scorer: a number in the model card and a number from ``rhetorica eval
rhetoric`` are then computed the same way.

Format (PTC v2): ``articleNNN.txt`` (title, blank line, one sentence per line) and TSV labels
``article_id  technique  start  end`` (character offsets, end exclusive), either per article
in ``train-labels-task2-technique-classification/`` or all in ``train-task2-TC.labels``.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rhetorica.ingest.errors import InputError

DATASET = "semeval2020-task11-ptc"

# The 14 merged techniques of SemEval-2020 Task 11, most frequent first.
TECHNIQUES: tuple[str, ...] = (
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Doubt",
    "Exaggeration,Minimisation",
    "Appeal_to_fear-prejudice",
    "Flag-Waving",
    "Causal_Oversimplification",
    "Appeal_to_Authority",
    "Slogans",
    "Whataboutism,Straw_Men,Red_Herring",
    "Black-and-White_Fallacy",
    "Thought-terminating_Cliches",
    "Bandwagon,Reductio_ad_hitlerum",
)
MAJORITY = "Loaded_Language"

# Rhetorica's lexicon labels for each PTC technique (the lexicon's ``ptc`` field, inverted).
LABEL_OF: dict[str, str] = {
    "Loaded_Language": "loaded_language",
    "Name_Calling,Labeling": "name_calling",
    "Repetition": "repetition",
    "Doubt": "doubt",
    "Exaggeration,Minimisation": "exaggeration",
    "Appeal_to_fear-prejudice": "appeal_to_fear",
    "Flag-Waving": "flag_waving",
    "Causal_Oversimplification": "causal_oversimplification",
    "Appeal_to_Authority": "appeal_to_authority",
    "Slogans": "slogan",
    "Whataboutism,Straw_Men,Red_Herring": "whataboutism",
    "Black-and-White_Fallacy": "black_and_white",
    "Thought-terminating_Cliches": "thought_terminating_cliche",
    "Bandwagon,Reductio_ad_hitlerum": "bandwagon",
}

_ARTICLE = re.compile(r"^article(\d+)\.txt$")


@dataclass
class Article:
    id: str
    text: str
    # (start, end, technique), end exclusive
    spans: list[tuple[int, int, str]] = field(default_factory=list)


def load_ptc(folder: Path, limit: int | None = None) -> list[Article]:
    """Read a PTC folder (articles + TC labels). Offsets are checked against each text."""
    folder = Path(folder)
    art_dir = folder / "train-articles"
    if not art_dir.is_dir():
        raise InputError(str(folder), "not a PTC folder (no train-articles/ inside)")
    articles: dict[str, Article] = {}
    for path in sorted(art_dir.iterdir()):
        m = _ARTICLE.match(path.name)
        if m:
            # newline="" keeps \r\n as two characters, as the official offsets count them.
            with open(path, encoding="utf-8", newline="") as fh:
                articles[m.group(1)] = Article(m.group(1), fh.read())
    if not articles:
        raise InputError(str(art_dir), "no articleNNN.txt files found")
    for line_no, (origin, line) in enumerate(_label_lines(folder), 1):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 4:
            raise InputError(origin, f"expected 4 tab-separated columns, got {len(parts)}",
                             line_no)
        art_id, technique, start, end = parts
        art = articles.get(art_id)
        if art is None:
            continue  # labels for an article kept aside
        s, e = int(start), int(end)
        if not 0 <= s < e <= len(art.text):
            raise InputError(origin, f"span {s}-{e} outside article {art_id}", line_no)
        art.spans.append((s, e, technique))
    out = [articles[k] for k in sorted(articles)]
    return out[:limit] if limit else out


def _label_lines(folder: Path) -> Iterable[tuple[str, str]]:
    combined = folder / "train-task2-TC.labels"
    if combined.is_file():
        with open(combined, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield str(combined), line
        return
    label_dir = folder / "train-labels-task2-technique-classification"
    for path in sorted(label_dir.glob("*.labels")) if label_dir.is_dir() else []:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield str(path), line


def split_articles(articles: Sequence[Article], test_fraction: float = 0.2,
                   seed: int = 0) -> tuple[list[Article], list[Article]]:
    """A seeded split *by article*: sentences of one article never sit on both sides."""
    ids = sorted(a.id for a in articles)
    rng = random.Random(seed)
    rng.shuffle(ids)
    n_test = max(1, round(len(ids) * test_fraction)) if len(ids) > 1 else 0
    test_ids = set(ids[:n_test])
    return ([a for a in articles if a.id not in test_ids],
            [a for a in articles if a.id in test_ids])


def ids_digest(ids: Iterable[str]) -> str:
    """Names a held-out split, so the evaluator can tell whether the model saw it."""
    import hashlib

    return hashlib.sha256(",".join(sorted(ids)).encode()).hexdigest()[:16]


def sentences(text: str) -> list[tuple[int, int]]:
    """PTC texts are one sentence per line; blank lines separate paragraphs."""
    out, pos = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = pos + (len(line) - len(line.lstrip()))
            out.append((start, start + len(stripped)))
        pos += len(line) + 1
    return out


# -- metrics -------------------------------------------------------------------------------
def merge_intervals(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The SI scorer merges overlapping spans first: a character is propaganda or not."""
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def si_scores(gold: dict[str, list[tuple[int, int]]],
              pred: dict[str, list[tuple[int, int]]]) -> dict[str, float]:
    """Span identification P/R/F1 with partial credit (Da San Martino et al., 2019).

    P = (1/|S|) Σ_s Σ_t |s∩t| / |s|;  R = (1/|T|) Σ_t Σ_s |s∩t| / |t|, over all articles,
    after merging overlapping spans within each article on each side.
    """
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for art in set(gold) | set(pred):
        g = merge_intervals(gold.get(art, []))
        p = merge_intervals(pred.get(art, []))
        n_gold += len(g)
        n_pred += len(p)
        for ps, pe in p:
            for gs, ge in g:
                inter = min(pe, ge) - max(ps, gs)
                if inter > 0:
                    p_sum += inter / (pe - ps)
                    r_sum += inter / (ge - gs)
    precision = p_sum / n_pred if n_pred else 0.0
    recall = r_sum / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pred_spans": n_pred,
            "gold_spans": n_gold}


def top_k(classes: Sequence[str], proba: Any, k: int) -> list[str]:
    """The ``k`` likeliest classes: what TC predicts for a span annotated ``k`` times."""
    order = proba.argsort()[::-1]
    return [classes[i] for i in order[:k]]


def tc_scores(gold: Sequence[tuple[str, int, int, str]],
              pred: Sequence[tuple[str, int, int, str]]) -> dict[str, float]:
    """Technique classification micro-F1: gold spans are given, one predicted label per
    gold line; a span annotated with two techniques needs both predicted to score both."""
    g = Counter(gold)
    p = Counter(pred)
    correct = sum((g & p).values())
    precision = correct / sum(p.values()) if p else 0.0
    recall = correct / sum(g.values()) if g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # correct, pred, gold
    for key, n in g.items():
        per[key[3]][2] += n
    for key, n in p.items():
        per[key[3]][1] += n
    for key, n in (g & p).items():
        per[key[3]][0] += n
    macro = [2 * c / (np_ + ng) if np_ + ng else 0.0 for c, np_, ng in per.values() if ng]
    return {"precision": precision, "recall": recall, "micro_f1": f1,
            "macro_f1": sum(macro) / len(macro) if macro else 0.0, "n": sum(g.values()),
            "per_technique": {k: {"correct": v[0], "predicted": v[1], "gold": v[2]}
                              for k, v in sorted(per.items())}}
