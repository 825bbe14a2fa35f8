"""Store fixtures: ``store_url`` runs a test once per backend (SQLite, PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.pg import pg_server_url, pg_url  # noqa: F401  (fixtures)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_url")
