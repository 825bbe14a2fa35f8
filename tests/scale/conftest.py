"""Batch fixtures: a small generated corpus and the core pipeline settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rhetorica.config import Settings
from tests.pg import pg_server_url, pg_url  # noqa: F401  (fixtures)

# The spine's components: stable, so batch tests do not depend on features still in flux.
CORE = ("parse", "language", "segment", "entities", "claims", "rhetoric", "tone")

SUBJECTS = ["The mayor", "The governor", "Federal agents", "Residents", "Senator Alvarez"]
ACTIONS = ["said crime rose 40% in 2024", "called the protest a war zone",
           "announced a new bridge for Portland", "denied the report",
           "warned of an invasion of vermin", "thanked the volunteers"]


def make_posts(n: int, seed: int = 0) -> list[dict]:
    """Deterministic posts written for these tests."""
    posts = []
    for i in range(n):
        s = SUBJECTS[(i + seed) % len(SUBJECTS)]
        a = ACTIONS[(i * 7 + seed) % len(ACTIONS)]
        posts.append({"id": f"p{i}", "text": f"{s} {a}. Post number {i} of the day!",
                      "author": f"user{i % 4}", "created_at": f"2025-02-{i % 28 + 1:02d}"})
    return posts


def write_jsonl(path: Path, posts: list[dict], extra_lines: tuple[str, ...] = ()) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for p in posts:
            fh.write(json.dumps(p) + "\n")
        for line in extra_lines:
            fh.write(line + "\n")
    return path


@pytest.fixture
def settings() -> Settings:
    return Settings(pipeline=CORE)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "posts.jsonl", make_posts(60))
