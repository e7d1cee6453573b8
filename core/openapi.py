"""The OpenAPI 3.1 document, built from the URL map so no /api/v1 route is left out."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

API_PREFIX = "/api/v1"

PUBLIC = {
    "api_core.openapi",
    "api_core.create_token",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}


def _path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []

    def repl(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        kind = "integer" if converter == "int" else "string"
        params.append({"name": name, "in": "path", "required": True, "schema": {"type": kind}})
        return "{" + name + "}"

    return re.sub(r"<(?:(\w+):)?(\w+)>", repl, rule), params


def _operation(app: Flask, endpoint: str, method: str, params: list) -> dict[str, Any]:
    view = app.view_functions[endpoint]
    doc = (view.__doc__ or endpoint).strip().splitlines()
    op: dict[str, Any] = {
        "operationId": f"{endpoint}.{method}",
        "summary": doc[0],
        "tags": [endpoint.split(".")[0].removeprefix("api_")],
        "parameters": params,
        "responses": {
            "200": {"description": "OK"},
            "4XX": {
                "description": "Error",
                "content": {"application/json": {"schema": ERROR_SCHEMA}},
            },
        },
    }
    schema = getattr(view, "request_schema", None)
    if schema is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    if len(doc) > 1:
        op["description"] = "\n".join(line.strip() for line in doc[1:]).strip()
    if endpoint in PUBLIC or getattr(view, "public_api", False):
        op["security"] = []
    return op


def build_document(app: Flask) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX):
            continue
        path, params = _path(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op = _operation(app, rule.endpoint, method.lower(), params)
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Sohoa API", "version": "1.0.0"},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA},
        },
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
    }


def public_api(view):
    """Mark a view as callable without an account in the OpenAPI document."""
    view.public_api = True
    return view
