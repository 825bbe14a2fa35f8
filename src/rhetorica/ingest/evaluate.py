"""``rhetorica eval corpus``: metadata of news documents, beside trafilatura alone.

The set (``data/corpus_meta``, written for Rhetorica) has pages, feeds, text files and PDFs
in the shapes real sites use: Open Graph only, JSON-LD only (also in ``@graph``), Dublin
Core, a dateline only, conflicting dates (updated stamps, sidebars, copyright years) and
none at all. Scored per document: title, date, source and author (exact, case and spacing
aside), and **invented dates**: a date given where the document states none.

The baseline is what a generic extractor gives: trafilatura's metadata for HTML (date
search not extensive), the file name as title otherwise, no date.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

NEEDS_DATA = False  # the set ships with the package
FIELDS = ("title", "date", "source", "author")


def _norm(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).replace("’", "'").split()).lower()
    return text or None


def load_set() -> tuple[Path, list[dict[str, Any]]]:
    base = Path(str(resources.files("rhetorica.data.corpus_meta")))
    items = yaml.safe_load((base / "expected.yaml").read_text("utf-8"))
    items = items.get("documents", items) if isinstance(items, dict) else items
    return base, list(items)


def read_rhetorica(path: Path, index: int) -> dict[str, Any]:
    from rhetorica.ingest.corpus import read_corpus_file

    docs = read_corpus_file(path)
    d = docs[index]
    return {"title": d.title, "date": d.published, "source": d.source, "author": d.author,
            "provenance": d.extra.get("provenance", {})}


def read_baseline(path: Path, index: int) -> dict[str, Any]:
    from rhetorica.ingest.corpus import normalise_date, read_corpus_file

    if path.suffix.lower() in (".html", ".htm"):
        import trafilatura

        res = trafilatura.bare_extraction(
            path.read_text("utf-8"), with_metadata=True,
            date_extraction_params={"extensive_search": False, "original_date": True})
        get = (lambda k: getattr(res, k, None)) if not isinstance(res, dict) else res.get
        return {"title": get("title"), "date": normalise_date(get("date")),
                "source": get("sitename"), "author": get("author")}
    if path.suffix.lower() in (".xml", ".atom", ".rss"):
        d = read_corpus_file(path)[index]  # a feed states its fields: nothing to guess
        return {"title": d.title, "date": d.published, "source": d.source, "author": d.author}
    return {"title": path.stem, "date": None, "source": None, "author": None}


def score(items: list[dict[str, Any]], base: Path, reader: Any) -> dict[str, Any]:
    right = dict.fromkeys(FIELDS, 0)
    invented = no_date = 0
    misses: list[str] = []
    for it in items:
        name, _, idx = str(it["file"]).partition("#")
        got = reader(base / name, int(idx or 0))
        for f in FIELDS:
            ok = _norm(got.get(f)) == _norm(it.get(f))
            right[f] += ok
            if not ok and len(misses) < 40:
                misses.append(f"{it['file']} {f}: expected {it.get(f)!r}, got {got.get(f)!r}")
        if it.get("date") is None:
            no_date += 1
            invented += got.get("date") is not None
    n = max(1, len(items))
    return {**{f"{f}_accuracy": right[f] / n for f in FIELDS}, "documents": len(items),
            "invented_dates": invented, "undated_documents": no_date, "misses": misses}


def evaluate(data_dir: Path | None = None, limit: int | None = None) -> dict[str, Any]:
    del data_dir
    base, items = load_set()
    items = items[:limit] if limit else items
    ours = score(items, base, read_rhetorica)
    naive = score(items, base, read_baseline)
    cols = [f"{f}_accuracy" for f in FIELDS]
    return {
        "component": "corpus", "scores": {"rhetorica": ours, "baseline": naive},
        "tables": [{
            "title": f"Corpus metadata on {ours['documents']} documents (ours: "
                     "data/corpus_meta)",
            "columns": ["system", *(c.replace("_", " ") for c in cols),
                        f"dates invented (of {ours['undated_documents']} undated)"],
            "rows": [["Rhetorica metadata reader", *(ours[c] for c in cols),
                      ours["invented_dates"]],
                     ["baseline: trafilatura metadata / file name", *(naive[c] for c in cols),
                      naive["invented_dates"]]]}],
        "notes": ["misses: " + "; ".join(ours["misses"][:12])] if ours["misses"] else [],
    }
