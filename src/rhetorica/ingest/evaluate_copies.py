"""``rhetorica eval copies``: wire-copy detection, pair precision and recall.

The set is generated, seeded, from articles written for Rhetorica (``data/wire``): each
event there is covered by two or three newsrooms in their own words (the hard negatives:
same names, numbers and often one shared quote), and each article is syndicated as copies
a copy desk would make: **trimmed** (its last paragraphs cut), **re-headlined** (new
headline, the agency's dateline and credit line), **edited** (a sentence dropped, words
swapped, numbers respelled) and **both** (trimmed and edited under a new headline).

Every document goes through the real ingest path (a temporary SQLite corpus,
``add_documents``), and a pair is predicted a copy when the store put both in one group.
The baseline is what the corpus did before: only identical texts are one document.
"""

from __future__ import annotations

import random
import re
import tempfile
from importlib import resources
from itertools import combinations
from pathlib import Path
from typing import Any

import yaml

NEEDS_DATA = False  # the articles ship with the package
KINDS = ("trimmed", "re-headlined", "edited", "both")
AGENCIES = ("Lakeshore Wire", "Continental Press Service", "Metro News Agency")

# Word swaps a copy desk makes, both ways; applied to at most one word per paragraph.
SWAPS = {
    "said": "stated", "says": "said", "told": "informed", "about": "roughly",
    "more than": "over", "because": "since", "however": "but", "also": "additionally",
    "residents": "locals", "officials": "authorities", "percent": "per cent",
    "on Monday": "Monday", "on Tuesday": "Tuesday", "on Wednesday": "Wednesday",
    "on Thursday": "Thursday", "on Friday": "Friday", "people": "residents",
    "announced": "unveiled", "began": "started", "will": "is set to",
}
NUMBER_WORDS = {"two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                "eight": "8", "nine": "9", "ten": "10"}


def load_articles() -> list[dict[str, Any]]:
    base = Path(str(resources.files("rhetorica.data.wire")))
    data = yaml.safe_load((base / "articles.yaml").read_text("utf-8"))
    out = []
    for event in data["events"]:
        for art in event["articles"]:
            out.append({**art, "event": event["id"],
                        "paragraphs": [p.strip() for p in str(art["text"]).split("\n\n")
                                       if p.strip()]})
    return out


def _strip_dateline(par: str) -> str:
    return re.sub(r"^[A-Z][A-Z .'-]+,\s+[A-Z][a-z]+\.? \d{1,2}\s*[—–-]+\s*", "", par)


def _edit(paragraphs: list[str], rng: random.Random) -> list[str]:
    """A copy editor's pass: one sentence dropped from a middle paragraph, a word swapped or
    a number respelled in about half the paragraphs."""
    paras = list(paragraphs)
    if len(paras) > 3:
        k = rng.randrange(1, len(paras) - 1)
        sents = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", paras[k])
        if len(sents) > 1:
            del sents[rng.randrange(len(sents))]
            paras[k] = " ".join(sents)
    out = []
    for p in paras:
        if rng.random() < 0.5:
            options = [w for w in (*SWAPS, *NUMBER_WORDS) if re.search(rf"\b{w}\b", p)]
            if options:
                w = rng.choice(options)
                p = re.sub(rf"\b{w}\b", SWAPS.get(w) or NUMBER_WORDS[w], p, count=1)
        out.append(p)
    return out


def make_copy(art: dict[str, Any], kind: str, rng: random.Random) -> dict[str, Any]:
    paras = list(art["paragraphs"])
    headline = art["headline"]
    source = art["outlet"]
    if kind in ("trimmed", "both"):
        keep = max(2, round(len(paras) * rng.uniform(0.5, 0.8)))
        paras = paras[:keep]
    if kind in ("edited", "both"):
        paras = _edit(paras, rng)
    if kind in ("re-headlined", "both"):
        agency = rng.choice(AGENCIES)
        place = re.match(r"^([A-Z][A-Z .'-]+),", paras[0])
        lead = _strip_dateline(paras[0])
        paras[0] = f"{place.group(1) if place else 'WASHINGTON'} ({agency}) — {lead}"
        paras.append(f"(Reporting by {art.get('author') or 'staff'}; editing by the "
                     f"{agency} desk)")
        words = headline.split()
        headline = " ".join(words[: max(3, len(words) - 2)]) + ", officials say"
        source = agency
    return {"id": f"{art['id']}~{kind}", "story": art["id"], "event": art["event"],
            "kind": kind, "title": headline, "source": source,
            "text": "\n\n".join(paras), "published": str(art.get("published") or "")}


def build_set(seed: int = 0, copies_per_article: int = 2) -> list[dict[str, Any]]:
    """Originals and their copies, shuffled (the order of arrival must not matter)."""
    rng = random.Random(seed)
    docs = []
    for art in load_articles():
        docs.append({"id": art["id"], "story": art["id"], "event": art["event"],
                     "kind": "original", "title": art["headline"], "source": art["outlet"],
                     "text": "\n\n".join(art["paragraphs"]),
                     "published": str(art.get("published") or "")})
        for kind in rng.sample(KINDS, copies_per_article):
            docs.append(make_copy(art, kind, rng))
    rng.shuffle(docs)
    return docs


def predicted_groups(docs: list[dict[str, Any]]) -> list[int | None]:
    """Each document's group as the real store assigns it on ingest."""
    from rhetorica.ingest.corpus import CorpusDocument
    from rhetorica.store.sqlite import SQLiteStore
    from rhetorica.store.sqlite_corpus import SQLiteCorpusStore

    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "copies.db")
        corpus = SQLiteCorpusStore(store)
        cds = [CorpusDocument(d["text"], d["id"], title=d["title"], source=d["source"],
                              published=d["published"] or None) for d in docs]
        report = corpus.add_documents(cds, None, "none")
        rows = {r["id"]: r["dup_group"] for r in store.query(
            "SELECT id, dup_group FROM corpus_documents")}
        store.close()
    return [rows.get(i) for i in report.ids]


def pair_scores(docs: list[dict[str, Any]], groups: list[Any]) -> dict[str, Any]:
    tp = fp = fn = 0
    hard_fp = hard = 0
    missed: dict[str, int] = {}
    for i, j in combinations(range(len(docs)), 2):
        gold = docs[i]["story"] == docs[j]["story"]
        pred = groups[i] is not None and groups[i] == groups[j]
        tp += gold and pred
        fp += pred and not gold
        fn += gold and not pred
        if not gold and docs[i]["event"] == docs[j]["event"]:
            hard += 1
            hard_fp += pred
        if gold and not pred:
            kind = docs[i]["kind"] if docs[i]["kind"] != "original" else docs[j]["kind"]
            missed[kind] = missed.get(kind, 0) + 1
    # precision is undefined (None) when nothing was predicted: no pair claimed, none wrong
    return {"precision": tp / (tp + fp) if tp + fp else None, "recall": tp / max(1, tp + fn),
            "pairs": tp + fn, "false_pairs": fp, "same_event_pairs": hard,
            "same_event_false": hard_fp, "missed_by_kind": missed}


def evaluate(data_dir: Path | None = None, limit: int | None = None,
             seed: int = 0) -> dict[str, Any]:
    del data_dir
    docs = build_set(seed)
    docs = docs[:limit] if limit else docs
    ours = pair_scores(docs, predicted_groups(docs))
    exact: dict[str, int] = {}
    base = pair_scores(docs, [exact.setdefault(" ".join(d["text"].lower().split()), k)
                              for k, d in enumerate(docs)])
    cols = ["precision", "recall", "false_pairs", "same_event_false"]
    return {
        "component": "copies", "scores": {"rhetorica": ours, "baseline": base},
        "tables": [{
            "title": f"Wire copies: {len(docs)} documents, {ours['pairs']} copy pairs, "
                     f"{ours['same_event_pairs']} pairs of distinct stories on one event "
                     "(ours: data/wire, seed " + str(seed) + ")",
            "columns": ["system", "pair precision", "pair recall", "false pairs",
                        "same-event stories grouped"],
            "rows": [["Rhetorica MinHash/LSH, containment", *(_shown(ours[c]) for c in cols)],
                     ["baseline: identical text only", *(_shown(base[c]) for c in cols)]]}],
        "notes": [*([f"copy pairs missed, by kind: {ours['missed_by_kind']}"]
                    if ours["missed_by_kind"] else []),
                  "estimated containment: lowest of a copy pair {:.2f}, highest of two "
                  "distinct stories {:.2f} (a copy needs {:.2f})".format(*margin(docs))],
    }


def _shown(value: Any) -> Any:
    return "–" if value is None else value


def margin(docs: list[dict[str, Any]]) -> tuple[float, float, float]:
    """How far the threshold sits from both kinds of pair: the weakest copy and the most
    copy-like pair of distinct stories."""
    from rhetorica.ingest.near_duplicates import COPY_CONTAINMENT, containment, fingerprint

    fps = [fingerprint(d["text"]) for d in docs]
    low, high = 1.0, 0.0
    for i, j in combinations(range(len(docs)), 2):
        if fps[i] is None or fps[j] is None:
            continue
        c = containment(fps[i], fps[j])
        if docs[i]["story"] == docs[j]["story"]:
            low = min(low, c)
        else:
            high = max(high, c)
    return low, high, COPY_CONTAINMENT
