"""Property-based test against the OpenAPI schema (hypothesis; schemathesis-style).

For every JSON operation we generate requests from the schema itself - valid bodies, path
and query parameters, plus arbitrary JSON - and check the contract: never a 5xx, always JSON,
errors in the documented one-line shape, successes carrying the documented fields.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests.web.conftest import BASE, make_app

SAFE_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False) | SAFE_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(SAFE_TEXT, inner, max_size=3),
    max_leaves=8)


@pytest.fixture(scope="module")
def api(pipeline, tmp_path_factory):
    from fastapi.testclient import TestClient

    app = make_app(pipeline, tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:
        client.post("/api/v1/analyze", json={"text": "Crime rose 40% in 2024.", "speaker": "A"})
        yield client, client.get("/api/v1/openapi.json").json()


def resolve(schema: dict, root: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = root["components"]["schemas"][name]
    return schema


def from_schema(schema: dict, root: dict, depth: int = 0) -> st.SearchStrategy:
    schema = resolve(schema, root)
    if "anyOf" in schema:
        return st.one_of([from_schema(s, root, depth + 1) for s in schema["anyOf"]])
    kind = schema.get("type")
    if kind == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True).filter(
                lambda s: len(s) <= schema.get("maxLength", 64))
        return st.text(st.characters(codec="utf-8"), min_size=schema.get("minLength", 0),
                       max_size=min(schema.get("maxLength", 80), 80))
    if kind == "integer":
        return st.integers(schema.get("minimum", -10), min(schema.get("maximum", 10**6), 10**6))
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {}), root, depth + 1),
                        min_size=schema.get("minItems", 0), max_size=3)
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        if depth > 3:
            return st.just({})
        return st.fixed_dictionaries(
            {k: from_schema(v, root, depth + 1) for k, v in props.items() if k in required},
            optional={k: from_schema(v, root, depth + 1) for k, v in props.items()
                      if k not in required})
    return ANY_JSON


def operations(schema: dict) -> list[tuple[str, str, dict]]:
    ops = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {})
            if body and "application/json" not in body:
                continue  # multipart uploads are covered by test_jobs
            ops.append((method, path, op))
    return ops


def request_strategy(method: str, path: str, op: dict, root: dict) -> st.SearchStrategy:
    params = op.get("parameters", [])
    path_params = {p["name"]: from_schema(p["schema"], root) for p in params if p["in"] == "path"}
    query = {p["name"]: from_schema(p["schema"], root) for p in params if p["in"] == "query"
             and p.get("required")}
    optional_query = {p["name"]: from_schema(p["schema"], root) for p in params
                      if p["in"] == "query" and not p.get("required")}
    body_schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get(
        "schema")
    body = (st.one_of(from_schema(body_schema, root), ANY_JSON) if body_schema
            else st.none())
    return st.fixed_dictionaries({
        "path": st.fixed_dictionaries(path_params),
        "query": st.fixed_dictionaries(query, optional=optional_query),
        "body": body,
    })


def check_response(resp, op: dict, root: dict) -> None:
    assert resp.status_code < 500, (resp.status_code, resp.text[:300])
    data = resp.json()
    if resp.status_code >= 400:
        assert set(data) == {"error"}
        err = data["error"]
        assert err["status"] == resp.status_code and err["code"] and err["message"]
        assert "\n" not in err["message"]
        assert str(resp.status_code) in op["responses"] or resp.status_code in (405, 422)
        return
    spec = op["responses"].get(str(resp.status_code), {})
    schema = spec.get("content", {}).get("application/json", {}).get("schema")
    if schema:
        schema = resolve(schema, root)
        if schema.get("type") == "object" or "properties" in schema:
            assert set(schema.get("required", [])) <= set(data), data
        elif schema.get("type") == "array":
            assert isinstance(data, list)


@settings(max_examples=int(os.environ.get("RHETORICA_FUZZ_EXAMPLES", "120")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@given(data=st.data())
def test_every_operation_keeps_its_contract(api, data):
    client, schema = api
    ops = operations(schema)
    method, path, op = ops[data.draw(st.integers(0, len(ops) - 1), label="operation")]
    note(f"{method.upper()} {path}")
    req = data.draw(request_strategy(method, path, op, schema), label="request")
    url = path
    for name, value in req["path"].items():
        from urllib.parse import quote

        url = url.replace("{" + name + "}", quote(str(value), safe=""))
    kwargs = {"params": req["query"]}
    if req["body"] is not None or "requestBody" in op:
        kwargs["json"] = req["body"]
    resp = client.request(method.upper(), url, **kwargs)
    if resp.headers.get("content-type", "").startswith("application/json"):
        check_response(resp, op, schema)
    else:  # exports are text attachments by design
        assert path.endswith("/export/{fmt}") and resp.status_code == 200


def test_schema_documents_errors_and_limits(api):
    _, schema = api
    analyze = schema["paths"]["/api/v1/analyze"]["post"]
    assert {"400", "413", "422"} <= set(analyze["responses"])
    err = resolve(analyze["responses"]["413"]["content"]["application/json"]["schema"], schema)
    assert err["required"] == ["error"]
