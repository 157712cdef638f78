"""The API's documentation pages, /docs (Swagger UI) and /redoc (ReDoc), served entirely from this machine.

Their bundles come from the fastapi-offline package (Swagger UI and ReDoc with their licences), the few lines that
start Swagger UI from our own static file: a self-hosted server often has no internet, and the pages' CSP allows
scripts from this origin only."""

from __future__ import annotations

from functools import cache
from html import escape
from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"
# ReDoc's footer shows Redocly's logo from their CDN, hard-coded in the bundle: drawn from a data: URL instead, so
# the page asks nothing of the internet (and the CSP refuses nothing)
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
LOCAL_LOGO = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle "
              "cx='8' cy='8' r='7' fill='%23e53935'/%3E%3C/svg%3E")

SWAGGER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · API docs</title><link rel="icon" href="{root}/favicon.ico">
<link rel="stylesheet" href="{root}{assets}/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi-url="{root}{openapi}"></div>
<script src="{root}{assets}/swagger-ui-bundle.js"></script><script src="{root}{assets}/swagger-init.js"></script>
</body></html>"""

REDOC = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · API reference</title><link rel="icon" href="{root}/favicon.ico">
<style>body {{ margin: 0; padding: 0; }}</style></head>
<body><redoc spec-url="{root}{openapi}"></redoc><script src="{root}{assets}/redoc.standalone.js"></script>
</body></html>"""


@cache
def redoc_bundle() -> bytes:
    """The ReDoc bundle as fastapi-offline ships it, with the one outside address replaced."""
    bundle = (files("fastapi_offline") / "static" / "redoc.standalone.js").read_bytes()
    return bundle.replace(REDOCLY_LOGO.encode(), LOCAL_LOGO.encode())


def install(app: FastAPI) -> None:
    """/docs, /redoc and their assets on ``app`` (built with ``docs_url=None, redoc_url=None``)."""
    @app.get(f"{ASSETS}/redoc.standalone.js", include_in_schema=False)
    def redoc_script() -> Response:
        return Response(redoc_bundle(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    app.mount(ASSETS, StaticFiles(packages=[("fastapi_offline", "static"), ("matchday.api", "docs_static")]),
              name="docs-assets")

    def page(template: str, request: Request) -> HTMLResponse:
        return HTMLResponse(template.format(title=escape(app.title), root=escape(request.scope.get("root_path", "")),
                                            assets=ASSETS, openapi=escape(app.openapi_url or "/openapi.json")))

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        return page(SWAGGER, request)

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        return page(REDOC, request)
