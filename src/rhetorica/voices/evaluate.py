"""``rhetorica eval quotes``: attribution on PolNeAR (Newell et al., 2018), beside a baseline.

PolNeAR annotates every attribution in 1,008 US political news articles as source, cue and
content spans (brat standoff). Scored on the **test** compartment (its README asks that test
be used only for final figures; ``--split dev`` while developing):

* content-span F1 with partial overlap: a predicted content span is a hit when it overlaps
  an unmatched gold content span (one-to-one, greedy by overlap);
* source accuracy: of the hits whose gold attribution has a source, the share whose
  predicted source overlaps the gold source;
* cue F1 (overlap), and strict content F1 (exact span) for reference.

The baseline is quoted strings with the nearest preceding person or organisation name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Spans = list[tuple[int, int]]


@dataclass
class GoldAttribution:
    content: Spans
    source: Spans
    cue: Spans


def _spans(raw: str) -> Spans:
    return [(int(a), int(b)) for a, b in (p.split() for p in raw.split(";"))]


def read_ann(path: Path) -> list[GoldAttribution]:
    """Attributions of one brat ``.ann`` file (discontinuous spans kept as several pieces)."""
    spans: dict[str, Spans] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, rest, _ = line.split("\t", 2)
            _label, where = rest.split(" ", 1)
            spans[tid] = _spans(where)
        elif line.startswith("E"):
            parts = line.split("\t")[1].split()
            events.append(dict(p.split(":", 1) for p in parts))
    out = []
    for e in events:
        out.append(GoldAttribution(spans.get(e.get("Content", ""), []),
                                   spans.get(e.get("Source", ""), []),
                                   spans.get(e.get("Cue", ""), [])))
    return [g for g in out if g.content]


def load_polnear(data_dir: Path, split: str = "test") -> list[tuple[str, str, list[Any]]]:
    """(name, text, gold attributions) per article; an article annotated twice is read from
    its first annotation file (by name)."""
    base = Path(data_dir) / "polnear" / split
    if not (base / "attributions").is_dir():
        from rhetorica.ingest.errors import InputError

        raise InputError(f"{base}: PolNeAR {split} compartment not found (pass --data)")
    seen: set[str] = set()
    out = []
    for ann in sorted((base / "attributions").glob("*.ann")):
        stem = re.sub(r"_[0-9a-f]{4}$", "", ann.stem)
        if stem in seen:
            continue
        seen.add(stem)
        txt = base / "text" / f"{stem}.txt"
        if txt.exists():
            out.append((stem, txt.read_text(encoding="utf-8"), read_ann(ann)))
    return out


def _overlap(a: Spans, b: Spans) -> int:
    return sum(max(0, min(x1, y1) - max(x0, y0)) for x0, x1 in a for y0, y1 in b)


def _match(pred: list[Spans], gold: list[Spans]) -> list[tuple[int, int]]:
    """One-to-one pairs (pred index, gold index), greedy by overlap."""
    cands = sorted(((_overlap(p, g), i, j) for i, p in enumerate(pred)
                    for j, g in enumerate(gold) if _overlap(p, g) > 0), reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in cands:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def _f1(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(docs: list[tuple[str, str, list[GoldAttribution]]], predict: Any) -> dict[str, float]:
    """Figures for one system; ``predict(text) -> list[Attribution]``."""
    tp = n_pred = n_gold = strict = 0
    src_ok = src_n = 0
    cue_tp = cue_pred = cue_gold = 0
    for _name, text, gold in docs:
        pred = [a for a in predict(text) if a.kind != "mention"]
        pc, gc = [[a.content] for a in pred], [g.content for g in gold]
        pairs = _match(pc, gc)
        tp += len(pairs)
        n_pred += len(pc)
        n_gold += len(gc)
        strict += sum(pc[i] == gc[j] for i, j in pairs)
        for i, j in pairs:
            if gold[j].source:
                src_n += 1
                src_ok += bool(pred[i].source and _overlap([pred[i].source], gold[j].source))
        pcue = [[a.cue] for a in pred if a.cue]
        gcue = [g.cue for g in gold if g.cue]
        cue_tp += len(_match(pcue, gcue))
        cue_pred += len(pcue)
        cue_gold += len(gcue)
    p, r, f = _f1(tp, n_pred, n_gold)
    return {"content_precision": p, "content_recall": r, "content_f1": f,
            "content_f1_strict": _f1(strict, n_pred, n_gold)[2],
            "source_accuracy": src_ok / src_n if src_n else 0.0,
            "cue_f1": _f1(cue_tp, cue_pred, cue_gold)[2],
            "gold": n_gold, "predicted": n_pred}


def evaluate(data_dir: Path, split: str = "test", limit: int | None = None) -> dict[str, Any]:
    from rhetorica.config import Settings
    from rhetorica.nlp.parse import parse_long
    from rhetorica.nlp.spacy_model import load_spacy
    from rhetorica.voices.quotes import baseline_attributions, find_attributions

    docs = load_polnear(data_dir, split)[:limit] if limit else load_polnear(data_dir, split)
    nlp = load_spacy(Settings().spacy_model)
    parses = {text: parse_long(nlp, text) for _, text, _ in docs}
    systems = {
        "Rhetorica quotes (rules on the parse)":
            lambda t: find_attributions(parses[t], t),
        "baseline: quoted strings + nearest preceding name":
            lambda t: baseline_attributions(parses[t], t),
    }
    rows = []
    for name, fn in systems.items():
        m = score(docs, fn)
        rows.append([name, len(docs), m["gold"], m["predicted"], m["content_f1"],
                     m["content_f1_strict"], m["source_accuracy"], m["cue_f1"]])
    return {
        "rows": rows,
        "tables": [{"title": f"Attribution on PolNeAR {split} ({len(docs)} articles)",
                    "columns": ["system", "articles", "gold", "predicted",
                                "content F1 (overlap)", "content F1 (exact)",
                                "source accuracy", "cue F1"],
                    "rows": rows}],
        "notes": ["content F1 counts a predicted span that overlaps an unmatched gold "
                  "content span (one-to-one); source accuracy is over those hits whose gold "
                  "attribution names a source"],
    }
