"""The API's documentation pages, served whole by the service.

FastAPI's own /docs fetch Swagger UI from a CDN, which leaves a blank page on offline and
locked-down networks (many public-sector ones). The files come instead from the
`fastapi-offline` package (Swagger UI 5, which reads OpenAPI 3.1, and ReDoc) under
/docs-assets, and the pages start them from a file of ours, with no inline script.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

ASSETS = "/docs-assets"

router = APIRouter(include_in_schema=False)


def assets_directory() -> Path:
    """Where the Swagger UI and ReDoc files are installed."""
    return Path(str(files("fastapi_offline") / "static"))


_SWAGGER = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>UnMentor API</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
<link rel="icon" href="{ASSETS}/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="/openapi.json"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="/static/apidocs.js"></script>
</body>
</html>
"""

_REDOC = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>UnMentor API</title>
<link rel="icon" href="{ASSETS}/favicon.png">
</head>
<body>
<redoc spec-url="/openapi.json"></redoc>
<script src="{ASSETS}/redoc.standalone.js"></script>
</body>
</html>
"""


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    return HTMLResponse(_SWAGGER)


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    return HTMLResponse(_REDOC)
