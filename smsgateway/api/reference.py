"""The API's reference page: the OpenAPI document rendered as plain HTML.

No script and no CDN: the page is built on the server from the same document as
`/api/v1/openapi.json`, so it works offline and under the console's Content-Security-Policy.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, current_app, render_template
from markupsafe import Markup, escape

METHODS = ("get", "post", "put", "patch", "delete")

#: Not one of the API's operations (it is not in the document): a page for people, open to all.
reference_page = Blueprint(
    "api_reference", __name__, url_prefix="/api/v1", template_folder="templates"
)


@reference_page.get("/")
def reference() -> str:
    spec = current_app.extensions["smsgateway_api"].spec.to_dict()
    paragraphs = [inline(part) for part in spec["info"].get("description", "").split("\n\n")]
    return render_template(
        "api/reference.html", spec=spec, groups=operation_groups(spec), paragraphs=paragraphs
    )


def inline(text: str) -> Markup:
    """The document's bits of Markdown: **bold** and `code`, everything else escaped."""
    html = str(escape(text))
    html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
    return Markup(re.sub(r"`(.+?)`", r"<code>\1</code>", html))  # noqa: S704 (escaped above)


def operation_groups(spec: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Operations grouped by tag, in the document's order, with their schemas resolved."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            groups.setdefault(tag, []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "anchor": f"{method}-{path}".replace("/", "-").strip("-"),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        resolve(spec, p) for p in [*shared, *operation.get("parameters", [])]
                    ],
                    "body": properties(spec, body["schema"]) if body else None,
                    "responses": [
                        (
                            status,
                            resolve(spec, response).get("description", ""),
                            _response_fields(spec, response),
                        )
                        for status, response in operation.get("responses", {}).items()
                    ],
                }
            )
    return list(groups.items())


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow `$ref`s to the component they name."""
    seen = 0
    while "$ref" in node and seen < 10:
        parts = node["$ref"].removeprefix("#/").split("/")
        target: Any = spec
        for part in parts:
            target = target[part]
        node, seen = target, seen + 1
    return node


def properties(
    spec: dict[str, Any], schema: dict[str, Any], prefix: str = ""
) -> list[dict[str, Any]]:
    """The fields of an object schema, nested ones as `a.b` and lists as `a[].b`."""
    schema = resolve(spec, schema)
    required = set(schema.get("required", []))
    rows = []
    for name, field in schema.get("properties", {}).items():
        field = resolve(spec, field)
        kind = field.get("type", "any")
        rows.append(
            {
                "name": prefix + name,
                "type": kind + (f" ({field['format']})" if "format" in field else ""),
                "required": name in required,
                "read_only": field.get("readOnly", False),
                "description": field.get("description", ""),
                "enum": field.get("enum") or resolve(spec, field.get("items", {})).get("enum"),
            }
        )
        if kind == "object" and "properties" in field:
            rows.extend(properties(spec, field, f"{prefix}{name}."))
        items = resolve(spec, field.get("items", {}))
        if kind == "array" and "properties" in items:
            rows.extend(properties(spec, items, f"{prefix}{name}[]."))
    return rows


def _response_fields(spec: dict[str, Any], response: dict[str, Any]) -> str:
    content = resolve(spec, response).get("content", {}).get("application/json")
    if not content:
        return ""
    schema = content.get("schema", {})
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1].removesuffix("Schema")
    items = schema.get("items", {})
    if "$ref" in items:
        return "list of " + items["$ref"].rsplit("/", 1)[-1].removesuffix("Schema")
    return schema.get("type", "")
