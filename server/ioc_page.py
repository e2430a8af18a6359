"""The operations centre's page at GET /ioc: plain HTML, CSS and JavaScript from
``server/static/ioc/`` (no build step, no CDN), served by this app.

Served in production too, unlike GraphiQL: it is the IOC's own front end, holds no secret and
needs no introspection (its documents are written out), and every figure it shows is the API's
answer to the operator who logged in on it.
"""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

ASSETS_DIR = Path(__file__).parent / "static" / "ioc"
ASSETS = {"ioc.js": "text/javascript", "gqlws.js": "text/javascript", "ioc.css": "text/css"}
# The page and its assets change with the app, unversioned: the browser asks again each time.
_NO_STORE = {"Cache-Control": "no-cache"}


async def _page(request: Request) -> Response:
    return FileResponse(ASSETS_DIR / "index.html", media_type="text/html; charset=utf-8", headers=_NO_STORE)


async def _asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSETS:
        raise HTTPException(404)
    return FileResponse(ASSETS_DIR / name, media_type=ASSETS[name], headers=_NO_STORE)


def ioc_routes() -> list[BaseRoute]:
    return [Route("/ioc", _page, methods=["GET"]), Route("/ioc/{name}", _asset, methods=["GET"])]
