"""The REST API's documentation page (``/api/docs``), served offline.

FastAPI's own page loads Swagger UI from a CDN, which an offline install cannot reach; here its
script, stylesheet and icon come from the ``swagger-ui-bundle`` package (Apache-2.0) through
the app itself, so the page works with no network and under the same sign-in as the rest.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS = "/api/docs"
ASSETS = f"{DOCS}/assets"


def add_docs_routes(app: FastAPI, *, openapi_url: str, title: str) -> None:
    """Serve Swagger UI for ``openapi_url`` at ``/api/docs`` with its files from the package."""
    import swagger_ui_bundle  # type: ignore[import-untyped]

    app.mount(ASSETS, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="api-docs")

    @app.get(DOCS, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            oauth2_redirect_url=None,
        )
