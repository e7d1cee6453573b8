"""The OpenAPI 3.1 document: public, and complete with respect to the URL map."""

from __future__ import annotations

import re

from core.api import API_PREFIX


def _document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.is_json
    return response.get_json()


def test_document_is_public_and_openapi_3_1(client):
    doc = _document(client)  # no Authorization header
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"]
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_token_endpoint_is_described_as_public(client):
    paths = _document(client)["paths"]
    token = paths["/api/v1/auth/token"]["post"]
    assert token["security"] == []
    assert token["summary"]
    assert paths["/api/v1/openapi.json"]["get"]["security"] == []
    # calls that need an account keep the document-wide bearer requirement
    assert "security" not in paths["/api/v1/me"]["get"]


def test_every_api_rule_is_in_the_document(app, client):
    paths = _document(client)["paths"]
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(API_PREFIX)]
    assert rules
    for rule in rules:
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        assert path in paths, f"{rule.rule} missing from openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths[path], f"{method} {rule.rule} missing"
    assert all(path.startswith(API_PREFIX) for path in paths)


def test_path_parameters_are_declared(client):
    for path, operations in _document(client)["paths"].items():
        names = re.findall(r"{(\w+)}", path)
        for operation in operations.values():
            declared = [p["name"] for p in operation["parameters"] if p["in"] == "path"]
            assert declared == names, path
            assert operation["operationId"]


def test_operation_ids_are_unique(client):
    ids = [
        operation["operationId"]
        for operations in _document(client)["paths"].values()
        for operation in operations.values()
    ]
    assert len(ids) == len(set(ids))
