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
        if not re.match(r"[TE]\d+\t", line):
            continue  # the rest of a span text that runs over a line break
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
        pc = [list(a.attrs.get("pieces") or [a.content]) for a in pred]
        gc = [g.content for g in gold]
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


NEEDS_DATA = False  # our fixtures ship with the package; PolNeAR is scored when present


def _fixture(name: str) -> list[dict[str, Any]]:
    from importlib import resources

    import yaml

    raw = resources.files("rhetorica.data.voices").joinpath(f"{name}.yaml").read_text("utf-8")
    data = yaml.safe_load(raw)
    return list(data.get("passages") or data.get("sentences") or [])


def _same_speaker(pred: str | None, gold: str) -> bool:
    """The same speaker: equal names, or one is the other's surname or full form ("Varga" /
    "Ines Varga" / "Mayor Ines Varga"); described sources ("a spokesperson for the mayor")
    must match word for word, case aside."""
    if not pred:
        return False
    p, g = pred.lower().strip(), gold.lower().strip()
    if p == g:
        return True
    named = gold[:1].isupper() and gold.split()[-1][:1].isupper()
    return named and (p.endswith(" " + g) or g.endswith(" " + p)
                      or p.split()[-1] == g.split()[-1])


def score_quote_fixture(passages: list[dict[str, Any]],
                        predict: Any) -> dict[str, float]:
    """Direct-quote F1 (exact span), and speaker accuracy over the gold quotes found.

    ``predict(text) -> [((start, end), kind, speaker)]``."""
    tp = n_pred = n_gold = 0
    spk_ok = spk_n = 0
    for item in passages:
        text = item["text"]
        pred = {span: (kind, who) for span, kind, who in predict(text)}
        gold_direct = set()
        for g in item.get("quotes") or []:
            at = text.find(g["content"])
            if at < 0:
                raise ValueError(f"{item['id']}: {g['content']!r} is not in the passage")
            span = (at, at + len(g["content"]))
            if g["kind"] == "direct":
                gold_direct.add(span)
            hit = pred.get(span) or next((v for (a, b), v in pred.items()
                                          if a < span[1] and span[0] < b
                                          and v[0] != "mention"), None)
            if hit is not None:
                spk_n += 1
                spk_ok += _same_speaker(hit[1], g["speaker"])
        direct = {k for k, v in pred.items() if v[0] == "direct"}
        tp += len(direct & gold_direct)
        n_pred += len(direct)
        n_gold += len(gold_direct)
    p, r, f = _f1(tp, n_pred, n_gold)
    return {"direct_precision": p, "direct_recall": r, "direct_f1": f,
            "speaker_accuracy": spk_ok / spk_n if spk_n else 0.0, "quotes_found": spk_n}


def score_modality_fixture(sentences: list[dict[str, Any]], nlp: Any) -> dict[str, float]:
    from rhetorica.voices.modality import modality, polarity

    pol = mod = both = 0
    for item in sentences:
        text, target = item["text"], item["target"]
        at = text.find(target)
        if at < 0:
            raise ValueError(f"{item['id']}: {target!r} is not in the sentence")
        doc = nlp(text)
        p = polarity(doc, at, at + len(target)) == item["polarity"]
        m = modality(doc, at, at + len(target)) == item["modality"]
        pol, mod, both = pol + p, mod + m, both + (p and m)
    n = max(1, len(sentences))
    return {"polarity_accuracy": pol / n, "modality_accuracy": mod / n,
            "joint_accuracy": both / n}


def english_words() -> frozenset[str]:
    """Whole-word entries of the packaged MiniLM vocabulary (30k word pieces): the word list
    the affixal cue reader checks stems against ("known" in "unknown")."""
    import json

    from rhetorica.evidence.cross_encoder import artefact_dir

    vocab = json.loads((artefact_dir() / "tokenizer.json").read_text())["model"]["vocab"]
    return frozenset(w for w in vocab if w.isalpha() and w.islower())


def negation_cue_recall(data_dir: Path, nlp: Any, limit: int | None = None
                        ) -> dict[str, Any] | None:
    """CondaQA (Ravichander et al., 2022) dev: each original sentence names its negation
    cue; the share of sentences whose cue our reader finds (by cue kind), beside the
    not/n't/no/never baseline. None when the set is absent."""
    import json

    from rhetorica.voices.modality import negation_cues

    path = Path(data_dir) / "nli" / "condaqa" / "data" / "condaqa_dev.json"
    if not path.exists():
        return None
    pairs = sorted({(r["original sentence"], r["original cue"].lower())
                    for r in map(json.loads, path.read_text("utf-8").splitlines()) if r})
    pairs = pairs[:limit] if limit else pairs
    words = english_words()
    base_cues = {"not", "n't", "no", "never"}
    tally: dict[str, list[int]] = {}
    for sent, cue in pairs:
        toks = nlp(sent)
        found = {t.lower_ for t in negation_cues(toks, words)}
        base = {t.lower_ for t in toks if t.lower_ in base_cues}
        first = cue.split()[0]
        kind = "syntactic" if first in base_cues or first in ("none", "nobody", "nothing",
                                                              "neither", "nor", "cannot",
                                                              "without") \
            else "affixal" if any(first.startswith(p) for p in ("un", "in", "im", "il",
                                                                 "ir", "dis", "non", "a")) \
            or first.endswith("less") else "lexical"
        hit = any(first == f or first.startswith(f) or f.startswith(first) for f in found)
        b_hit = first in base
        for k in (kind, "all"):
            row = tally.setdefault(k, [0, 0, 0])
            row[0] += 1
            row[1] += hit
            row[2] += b_hit
    return {k: {"n": v[0], "recall": v[1] / v[0], "baseline": v[2] / v[0]}
            for k, v in tally.items()}


def evaluate(data_dir: Path, split: str = "test", limit: int | None = None) -> dict[str, Any]:
    from collections import Counter

    from rhetorica.config import Settings
    from rhetorica.document import Document
    from rhetorica.nlp.parse import parse_long
    from rhetorica.nlp.spacy_model import load_spacy
    from rhetorica.pipeline import Pipeline
    from rhetorica.voices.quotes import (
        baseline_attributions,
        find_attributions,
        read_attributions,
    )
    from rhetorica.voices.tagger import default_tagger

    nlp = load_spacy(Settings().spacy_model)
    tables, notes = [], []
    # -- our fixtures -------------------------------------------------------------------
    passages = _fixture("quotes")
    pipe = Pipeline(["parse", "segment", "entities", "actors", "quotes"], Settings())

    def rhetorica(text: str) -> list[tuple[tuple[int, int], str, str | None]]:
        doc = pipe(Document(text))
        return [((q.start, q.end), q.label, q.attrs.get("speaker"))
                for q in doc.layer("quote")]

    def baseline(text: str) -> list[tuple[tuple[int, int], str, str | None]]:
        return [(a.content, a.kind, a.speaker) for a in baseline_attributions(nlp(text), text)]

    ours = score_quote_fixture(passages, rhetorica)
    base = score_quote_fixture(passages, baseline)
    sentences = _fixture("modality")
    mod = score_modality_fixture(sentences, nlp)
    base_pol = sum(s["polarity"] == "asserted" for s in sentences) / max(1, len(sentences))
    base_mod = sum(s["modality"] == "fact" for s in sentences) / max(1, len(sentences))
    base_both = sum(s["polarity"] == "asserted" and s["modality"] == "fact"
                    for s in sentences) / max(1, len(sentences))
    tables.append({"title": f"Quotes on our news passages ({len(passages)} passages)",
                   "columns": ["system", "direct-quote F1", "speaker accuracy",
                               "quotes found"],
                   "rows": [["Rhetorica quotes", ours["direct_f1"], ours["speaker_accuracy"],
                             ours["quotes_found"]],
                            ["baseline: quoted strings + nearest preceding name",
                             base["direct_f1"], base["speaker_accuracy"],
                             base["quotes_found"]]]})
    tables.append({"title": f"Polarity and modality on our sentences ({len(sentences)})",
                   "columns": ["system", "polarity", "modality", "both"],
                   "rows": [["Rhetorica (parse rules)", mod["polarity_accuracy"],
                             mod["modality_accuracy"], mod["joint_accuracy"]],
                            ["baseline: always asserted fact", base_pol, base_mod,
                             base_both]]})
    cues = negation_cue_recall(data_dir, nlp, limit)
    if cues is None:
        notes.append(f"{data_dir}/nli/condaqa not found: negation cues not scored")
    else:
        tables.append({
            "title": f"Negation cues on CondaQA dev ({cues['all']['n']} sentences, one "
                     "annotated cue each): share found",
            "columns": ["cue kind", "sentences", "Rhetorica cue reader",
                        "baseline: not / n't / no / never"],
            "rows": [[k, v["n"], v["recall"], v["baseline"]] for k, v in sorted(
                cues.items(), key=lambda kv: kv[0] == "all")]})
        notes.append("CondaQA annotates one cue per sentence, so this is recall only (no "
                     "precision). Affixal cues (unknown, illegal) are found but never make a "
                     "clause negated; NaN-NLI is an inference set, scored by `eval stance`")
    counts = Counter(s["modality"] for s in sentences)
    notes.append("modality labels: " + ", ".join(f"{k} {v}" for k, v in sorted(
        counts.items())))
    # -- PolNeAR ------------------------------------------------------------------------
    rows: list[list[Any]] = []
    if not (Path(data_dir) / "polnear" / split).is_dir():
        notes.append(f"{data_dir}/polnear not found: PolNeAR not scored (pass --data)")
    else:
        docs = load_polnear(data_dir, split)
        docs = docs[:limit] if limit else docs
        parses = {text: parse_long(nlp, text) for _, text, _ in docs}
        systems = {}
        tagger, why = default_tagger()
        if why:
            notes.append(f"tagger not scored: {why}")
        if tagger is not None:
            systems["Rhetorica quotes (MiniLM tagger + rules)"] = \
                lambda t: read_attributions(parses[t], t, tagger)
        systems |= {
            "Rhetorica quotes (rules on the parse)":
                lambda t: find_attributions(parses[t], t),
            "baseline: quoted strings + nearest preceding name":
                lambda t: baseline_attributions(parses[t], t),
        }
        for name, fn in systems.items():
            m = score(docs, fn)
            rows.append([name, len(docs), m["gold"], m["predicted"], m["content_f1"],
                         m["content_f1_strict"], m["source_accuracy"], m["cue_f1"]])
        tables.insert(0, {"title": f"Attribution on PolNeAR {split} ({len(docs)} articles)",
                          "columns": ["system", "articles", "gold", "predicted",
                                      "content F1 (overlap)", "content F1 (exact)",
                                      "source accuracy", "cue F1"],
                          "rows": rows})
        notes.append("PolNeAR content F1 counts a predicted span that overlaps an unmatched "
                     "gold content span (one-to-one); source accuracy is over those hits "
                     "whose gold attribution names a source")
    return {"rows": rows, "fixture": ours, "modality": mod, "tables": tables, "notes": notes}
