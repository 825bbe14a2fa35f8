"""PostgreSQL for tests: a throwaway local server per session, a fresh schema per test.

Set RHETORICA_TEST_PG_URL to use an existing server instead (the tests then only create and
drop their own schemas in it). Without either, PostgreSQL tests skip cleanly.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest

ENV_URL = "RHETORICA_TEST_PG_URL"


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """URL of a PostgreSQL database the tests may create schemas in."""
    if os.environ.get(ENV_URL):
        yield os.environ[ENV_URL]
        return
    pytest.importorskip("psycopg")
    from rhetorica.store.pg_local import LocalPostgres, PostgresUnavailable

    server = LocalPostgres(fsync=False)
    try:
        server.start()
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL not available: {exc}")
    try:
        yield server.url
    finally:
        server.stop()


def schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A URL whose search_path is a new, empty schema, dropped after the test."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema_url(pg_server_url, schema)
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
