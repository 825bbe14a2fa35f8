"""Shared fixtures. Every test gets its own store and data home, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RHETORICA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RHETORICA_DB", str(tmp_path / "home" / "test.db"))


@pytest.fixture(scope="session")
def pipeline():
    from rhetorica.pipeline import Pipeline

    return Pipeline()


@pytest.fixture
def analyze(pipeline):
    """analyze(text, **meta) -> analysed Document, with the session-wide pipeline."""
    from rhetorica.document import Document, DocumentMeta

    def run(text: str, **meta):
        return pipeline(Document(text, DocumentMeta(**meta)))

    return run


def shared_data(name: str) -> Path:
    """Path of a shared data set, or skip the test cleanly when it is not there."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"shared data {name!r} not available at {path}")
    return path


def assert_offsets(doc) -> None:
    """Every span's offsets must point inside the text and be non-empty."""
    for s in doc.spans:
        assert 0 <= s.start < s.end <= len(doc.text), s
