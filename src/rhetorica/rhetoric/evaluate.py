"""``rhetorica eval rhetoric``: SemEval-2020 Task 11 scores on held-out PTC articles.

Two numbers, as the shared task reported them:

* SI (span identification): F1 with partial-overlap credit, |s∩t|/|s| for precision and
  |s∩t|/|t| for recall (Da San Martino et al., 2019), spans merged per article;
* TC (technique classification): micro-F1 given the gold spans.

Each beside trivial baselines (every sentence is propaganda; always "Loaded_Language"),
the lexicon layer alone, the trained model alone, and both together. The held-out articles
are the seeded split the committed model was *not* trained on; if the model card names a
different split the report says so, because the scores would then be optimistic.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from rhetorica.ingest.errors import InputError
from rhetorica.rhetoric.ptc import (
    DATASET,
    MAJORITY,
    TECHNIQUES,
    Article,
    ids_digest,
    load_ptc,
    sentences,
    si_scores,
    split_articles,
    tc_scores,
    top_k,
)

PUBLISHED = {"si_f1": 0.5155, "tc_micro_f1": 0.6227}


def _lexicon_spans(articles: list[Article]) -> dict[str, list[tuple[int, int, str]]]:
    """The lexicon layer's PTC-technique spans per article (frames etc. are not PTC)."""
    from rhetorica.document import Document
    from rhetorica.pipeline import Pipeline

    pipe = Pipeline(["parse", "rhetoric"])
    out: dict[str, list[tuple[int, int, str]]] = {}
    for art, doc in zip(articles, pipe.pipe(Document(a.text) for a in articles), strict=True):
        out[art.id] = [(s.start, s.end, s.attrs["ptc"]) for s in doc.layer("rhetoric")
                       if s.attrs.get("ptc")]
    return out


def _tc_predict_lexicon(span: tuple[int, int], lex: list[tuple[int, int, str]]) -> str | None:
    votes: Counter[str] = Counter()
    s, e = span
    for a, b, ptc in lex:
        inter = min(b, e) - max(a, s)
        if inter > 0:
            votes[ptc] += inter
    return votes.most_common(1)[0][0] if votes else None


def evaluate(data_dir: Path, limit: int | None = None, seed: int | None = None,
             lexicon: bool = True) -> dict[str, Any]:
    folder = Path(data_dir) / DATASET
    if not folder.is_dir():
        raise InputError(str(folder), f"data set {DATASET} not found under {data_dir}")
    from rhetorica.rhetoric.model import load_model, model_available

    model = load_model() if model_available() else None
    split = (model.card.get("split", {}) if model else {}) or {}
    seed = split.get("seed", 0) if seed is None else seed
    fraction = float(split.get("test_fraction", 0.2))
    articles = load_ptc(folder)
    _, test = split_articles(articles, fraction, seed)
    if limit:
        test = test[:limit]
    notes = [f"{DATASET}: {len(test)} held-out articles (seeded split by article, seed {seed}, "
             f"{fraction:.0%} of {len(articles)}); licence of PTC not stated, used for "
             "evaluation and training as described in the model card."]
    if model is not None and split.get("test_ids_sha256_16") not in (
            None, ids_digest([a.id for a in test])) and not limit:
        notes.append("WARNING: the model card names a different held-out split; the model "
                     "may have seen these articles, so its scores are optimistic.")
    result = _score(test, model, lexicon, notes)
    neutral = neutral_news()
    result["neutral_news"] = {k: neutral[k] for k in ("items", "spans", "shown")}
    result["tables"].append(neutral["table"])
    memes = evaluate_memes(Path(data_dir))
    if memes is not None:
        result["memes"] = {k: memes[k] for k in ("memes", "si", "tc", "unmapped")}
        result["tables"].extend(memes["tables"])
        result["notes"].append(
            "Memes: SemEval-2021 Task 6's 20 techniques mapped to PTC's 14; not mapped: "
            + ", ".join(f"{k} ({v} spans)" for k, v in sorted(memes["unmapped"].items()))
            + ". Straw Man and Red Herring join Whataboutism, Reductio ad hitlerum joins "
            "Bandwagon, as PTC merged them.")
    result["notes"].append(
        "Frames: the Gun Violence Frame Corpus labels issue frames of headlines (gun "
        "rights, gun control, politics, mental health, school safety, race, public opinion, "
        "society, economy); our frame layer marks metaphor frames (war, invasion, flood, "
        "disease, vermin). The two share no label, so GVFC cannot score the frame layer.")
    return result


def _score(test: list[Article], model: Any, lexicon: bool, notes: list[str]) -> dict[str, Any]:
    gold_si = {a.id: [(s, e) for s, e, _ in a.spans] for a in test}
    sents = {a.id: sentences(a.text) for a in test}
    systems_si: dict[str, dict[str, list[tuple[int, int]]]] = {
        "baseline: every sentence": sents,
    }
    lex = _lexicon_spans(test) if lexicon else {}
    if lexicon:
        systems_si["lexicon layer"] = {k: [(s, e) for s, e, _ in v] for k, v in lex.items()}
    if model is not None:
        from rhetorica.rhetoric.model import RhetoricModelComponent

        raw = {a.id: model.tagger.predict(a.text, sents[a.id]) for a in test}
        pred = {k: [(s, e) for s, e, _ in v] for k, v in raw.items()}
        systems_si["linear span model"] = pred
        floor = RhetoricModelComponent.MIN_SPAN_P
        systems_si[f"linear span model, as shown (span p >= {floor})"] = {
            k: [(s, e) for s, e, p in v if p >= floor] for k, v in raw.items()}
        if lexicon:
            systems_si["lexicon + linear span model"] = {k: pred[k] + systems_si["lexicon layer"][k]
                                            for k in pred}
    from rhetorica.rhetoric.span_tagger import load_span_tagger

    tagger = load_span_tagger()
    readings = {a.id: tagger.read(a.text) for a in test} if tagger is not None else {}
    if tagger is not None:
        systems_si["span tagger (MiniLM)"] = {
            k: [(s, e) for s, e, *_ in r.spans(tagger.threshold)] for k, r in readings.items()}
        shown = {k: [(s, e) for s, e, *_ in r.spans(tagger.show_threshold)]
                 for k, r in readings.items()}
        systems_si[f"span tagger, as shown (p >= {tagger.show_threshold})"] = shown
        if lexicon:
            systems_si["shown by default (span tagger as shown + lexicon layer)"] = {
                k: shown[k] + [(s, e) for s, e, _ in lex.get(k, [])] for k in shown}
    si_rows = []
    results: dict[str, Any] = {"si": {}, "tc": {}}
    for name, pred in systems_si.items():
        r = si_scores(gold_si, pred)
        results["si"][name] = r
        si_rows.append([name, r["precision"], r["recall"], r["f1"], r["pred_spans"]])
    si_rows.append(["best SemEval-2020 system (official test set)", "", "",
                    PUBLISHED["si_f1"], ""])

    # TC: one prediction per gold line; a span with k gold lines gets the top-k labels.
    gold_tc = [(a.id, s, e, t) for a in test for s, e, t in a.spans]
    span_count = Counter((a, s, e) for a, s, e, _ in gold_tc)
    systems_tc: dict[str, list[tuple[str, int, int, str]]] = {
        "baseline: always Loaded_Language": [(a, s, e, MAJORITY) for a, s, e, _ in gold_tc],
    }
    if lexicon:
        systems_tc["lexicon layer (else majority)"] = [
            (a, s, e, _tc_predict_lexicon((s, e), lex.get(a, [])) or MAJORITY)
            for a, s, e, _ in gold_tc]
    if model is not None:
        clf = model.classifier
        keys = sorted(span_count)
        by_art = {a.id: a for a in test}
        from rhetorica.rhetoric.model import mean_by_class

        pred_tc: list[tuple[str, int, int, str]] = []
        by_tagger: list[tuple[str, int, int, str]] = []
        by_both: list[tuple[str, int, int, str]] = []
        for art_id in sorted({k[0] for k in keys}):
            art = by_art[art_id]
            spans = [(s, e) for a, s, e in keys if a == art_id]
            proba = clf.predict_proba(clf.rows(art.text, spans, sents[art_id]))
            for (s, e), p in zip(spans, proba, strict=True):
                k = span_count[(art_id, s, e)]
                pred_tc += [(art_id, s, e, t) for t in top_k(clf.classes_, p, k)]
                if tagger is not None:
                    pt = readings[art_id].technique_proba(s, e)
                    by_tagger += [(art_id, s, e, t) for t in top_k(list(TECHNIQUES), pt, k)]
                    both = mean_by_class(p, clf.classes_, pt)
                    by_both += [(art_id, s, e, t) for t in top_k(clf.classes_, both, k)]
        systems_tc["technique classifier (linear)"] = pred_tc
        if tagger is not None:
            systems_tc["span tagger's technique head (pooled token states)"] = by_tagger
            systems_tc["span tagger + technique classifier (mean), as shipped"] = by_both
        if lexicon:
            # The lexicon overrides the model where one of its entries covers most of the span.
            combined = []
            for a, s, e, t in pred_tc:
                hits = [(x, y, p) for x, y, p in lex.get(a, []) if min(y, e) - max(x, s) > 0]
                cover = sum(min(y, e) - max(x, s) for x, y, _ in hits) / max(1, e - s)
                lex_t = _tc_predict_lexicon((s, e), hits) if cover >= 0.5 else None
                combined.append((a, s, e, lex_t or t))
            systems_tc["lexicon + linear classifier (lexicon wins where it covers the span)"] = \
                combined
    tc_rows = []
    for name, pred in systems_tc.items():
        r = tc_scores(gold_tc, pred)
        results["tc"][name] = r
        tc_rows.append([name, r["micro_f1"], r["macro_f1"], r["n"]])
    tc_rows.append(["best SemEval-2020 system (official test set)", PUBLISHED["tc_micro_f1"],
                    "", ""])

    tables = [
        {"title": "Span identification (SemEval-2020 Task 11 SI, partial-overlap F1)",
         "columns": ["system", "precision", "recall", "F1", "spans"], "rows": si_rows},
        {"title": "Technique classification (SemEval-2020 Task 11 TC, gold spans)",
         "columns": ["system", "micro-F1", "macro-F1", "spans"], "rows": tc_rows},
    ]
    best_tc = ("span tagger + technique classifier (mean), as shipped"
               if tagger is not None and model is not None else
               "technique classifier (linear)" if model is not None else None)
    if best_tc:
        per = results["tc"][best_tc]["per_technique"]
        rows = []
        for tech, v in sorted(per.items(), key=lambda kv: -kv[1]["gold"]):
            p = v["correct"] / v["predicted"] if v["predicted"] else 0.0
            r = v["correct"] / v["gold"] if v["gold"] else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            rows.append([tech, v["gold"], p, r, f])
        tables.append({"title": "Model, per technique (TC)",
                       "columns": ["technique", "gold", "precision", "recall", "F1"],
                       "rows": rows})
    else:
        notes.append("No trained model found (src/rhetorica/data/models/rhetoric): "
                     "run scripts/train_rhetoric.py; only baselines and lexicon scored.")
    notes.append(f"Published bests (SI {PUBLISHED['si_f1']}, TC {PUBLISHED['tc_micro_f1']}) "
                 "are on the official test set with large transformers; ours is a held-out "
                 "part of the training articles with MiniLM and linear models on a CPU, so "
                 "compare loosely.")
    return {"name": "rhetoric", "dataset": DATASET, "articles": len(test), **results,
            "tables": tables, "notes": notes}


NEUTRAL_SET = "neutral_news.yaml"


def neutral_news() -> dict[str, Any]:
    """Spans the default pipeline shows on our false-positive set: neutral wire-style
    sentences full of names, laws, headings, reporting verbs and negated intensifiers
    (``data/rhetoric/neutral_news.yaml``, written apart from the lexicon and its rules).
    Every span counted is a false positive."""
    from importlib import resources

    from rhetorica import safe_yaml
    from rhetorica.document import Document
    from rhetorica.pipeline import Pipeline

    items = safe_yaml.load(resources.files("rhetorica.data.rhetoric").joinpath(
        NEUTRAL_SET).read_text("utf-8"))["items"]
    pipe = Pipeline()
    per_group: Counter[str] = Counter()
    sentences_per_group: Counter[str] = Counter()
    shown = []
    for item, doc in zip(items, pipe.pipe(Document(i["text"]) for i in items), strict=True):
        sentences_per_group[item["group"]] += 1
        for sp in doc.layer("rhetoric"):
            per_group[item["group"]] += 1
            shown.append({"id": item["id"], "label": sp.label, "source": sp.source,
                          "text": doc.text[sp.start:sp.end], "score": sp.score})
    rows = [[g, n, per_group[g]] for g, n in sorted(sentences_per_group.items())]
    rows.append(["all", len(items), sum(per_group.values())])
    return {"items": len(items), "spans": sum(per_group.values()), "shown": shown,
            "table": {"title": "Neutral news (ours): spans shown, each one a false positive "
                               "(target: at most 5 in all)",
                      "columns": ["group", "sentences", "spans"], "rows": rows}}


MEMES = "semeval2021-task6-persuasion-memes"
# SemEval-2021 Task 6's 20 techniques -> our 14 (PTC's merged set). Not mapped: Smears and
# Glittering generalities (no PTC counterpart), Obfuscation (PTC dropped it as too rare).
MEME_TECHNIQUES: dict[str, str | None] = {
    "Appeal to authority": "Appeal_to_Authority",
    "Appeal to fear/prejudice": "Appeal_to_fear-prejudice",
    "Black-and-white Fallacy/Dictatorship": "Black-and-White_Fallacy",
    "Causal Oversimplification": "Causal_Oversimplification",
    "Doubt": "Doubt",
    "Exaggeration/Minimisation": "Exaggeration,Minimisation",
    "Flag-waving": "Flag-Waving",
    "Glittering generalities (Virtue)": None,
    "Loaded Language": "Loaded_Language",
    "Misrepresentation of Someone's Position (Straw Man)": "Whataboutism,Straw_Men,Red_Herring",
    "Name calling/Labeling": "Name_Calling,Labeling",
    "Obfuscation, Intentional vagueness, Confusion": None,
    "Presenting Irrelevant Data (Red Herring)": "Whataboutism,Straw_Men,Red_Herring",
    "Reductio ad hitlerum": "Bandwagon,Reductio_ad_hitlerum",
    "Repetition": "Repetition",
    "Slogans": "Slogans",
    "Smears": None,
    "Thought-terminating cliché": "Thought-terminating_Cliches",
    "Whataboutism": "Whataboutism,Straw_Men,Red_Herring",
    "Bandwagon": "Bandwagon,Reductio_ad_hitlerum",
}


def evaluate_memes(data_dir: Path) -> dict[str, Any] | None:
    """Transfer to meme text (SemEval-2021 Task 6, subtask 2, test set): span
    identification and technique classification on the mapped techniques, beside the
    trivial baselines. None when the data set is absent."""
    import json

    from rhetorica.rhetoric.span_tagger import load_span_tagger

    path = Path(data_dir) / MEMES / "test_set_task2.json"
    tagger = load_span_tagger()
    if not path.is_file() or tagger is None:
        return None
    memes = json.loads(path.read_text("utf-8"))
    gold_si = {m["id"]: [(x["start"], x["end"]) for x in m["labels"]] for m in memes}
    readings = {m["id"]: tagger.read(m["text"]) for m in memes}
    systems = {
        "baseline: the whole text": {m["id"]: [(0, len(m["text"].rstrip()))] for m in memes},
        "span tagger (MiniLM)": {k: [(s, e) for s, e, *_ in r.spans(tagger.threshold)]
                                 for k, r in readings.items()},
        f"span tagger, as shown (p >= {tagger.show_threshold})": {
            k: [(s, e) for s, e, *_ in r.spans(tagger.show_threshold)]
            for k, r in readings.items()},
    }
    si_rows = []
    for name, pred in systems.items():
        r = si_scores(gold_si, pred)
        si_rows.append([name, r["precision"], r["recall"], r["f1"], r["pred_spans"]])
    gold_tc = [(m["id"], x["start"], x["end"], MEME_TECHNIQUES[x["technique"]])
               for m in memes for x in m["labels"] if MEME_TECHNIQUES.get(x["technique"])]
    unmapped = Counter(x["technique"] for m in memes for x in m["labels"]
                       if not MEME_TECHNIQUES.get(x["technique"]))
    span_count = Counter((a, s, e) for a, s, e, _ in gold_tc)
    pred_tc = [(a, s, e, t) for (a, s, e), k in span_count.items()
               for t in top_k(list(TECHNIQUES), readings[a].technique_proba(s, e), k)]
    tc_rows = []
    for name, pred in (("baseline: always Loaded_Language",
                        [(a, s, e, MAJORITY) for a, s, e, _ in gold_tc]),
                       ("span tagger's technique head (pooled token states)", pred_tc)):
        r = tc_scores(gold_tc, pred)
        tc_rows.append([name, r["micro_f1"], r["macro_f1"], r["n"]])
    return {"memes": len(memes), "si": si_rows, "tc": tc_rows, "unmapped": dict(unmapped),
            "tables": [
                {"title": "Transfer: meme texts (SemEval-2021 Task 6 test), span identification",
                 "columns": ["system", "precision", "recall", "F1", "spans"], "rows": si_rows},
                {"title": "Transfer: meme texts, technique classification on the 14 mapped "
                          "techniques (gold spans)",
                 "columns": ["system", "micro-F1", "macro-F1", "spans"], "rows": tc_rows}]}
