"""/docs: the API as a page, rendered on the server from the app's own OpenAPI document (the
same as /openapi.json): no Swagger UI, nothing fetched from a CDN, readable without JavaScript.
Scripts read /openapi.json itself."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from loanwatch.web.templating import render

router = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Each operation of the OpenAPI document: method, path, summary, parameters, body, answers."""
    out = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {})
            out.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tag": (op.get("tags") or [""])[0],
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": ", ".join(body),
                    "responses": sorted(op.get("responses", {})),
                }
            )
    return out


@router.get("/docs")
def docs(request: Request) -> Response:
    spec = request.app.openapi()
    return render(
        request,
        "docs.html",
        title=spec["info"]["title"],
        version=spec["info"]["version"],
        operations=operations(spec),
    )
