"""The stores depend on the documents they store, never on the logic that reads them."""

from __future__ import annotations

import ast
from pathlib import Path

import rhetorica

PACKAGE = Path(rhetorica.__file__).parent


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_stores_never_import_the_evidence_logic_and_corpus_stores_live_in_store() -> None:
    for path in sorted((PACKAGE / "store").glob("*.py")):
        bad = {m for m in _imports(path) if m.startswith("rhetorica.evidence")}
        assert not bad, f"{path.name} imports {bad}"
    assert not (PACKAGE / "evidence" / "store.py").exists()
    assert {"corpus.py", "sqlite_corpus.py", "postgres_corpus.py"} <= {
        p.name for p in (PACKAGE / "store").glob("*.py")}
