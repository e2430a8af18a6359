"""The GraphiQL page at GET /graphql, served with its assets from this app: no CDN, so it works
offline and wherever a public CDN is slow or blocked.

The assets are vendored from pinned npm packages into ``server/static/graphiql/``
(``python -m server.graphiql_refresh`` fetches them again; its README names the versions). Their
file names carry their versions, so a browser may cache them for good."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from server.seed import DEMO_LOGINS, DEMO_PASSWORD

ASSETS_DIR = Path(__file__).parent / "static" / "graphiql"
# Where the page finds its assets, relative to /graphql (so a path prefix in front of the app works).
ASSETS_PATH = "graphiql"


@dataclass(frozen=True)
class Asset:
    """One file of one pinned npm package, stored as ``name``."""

    package: str
    version: str
    path: str  # inside the package's tarball, under package/
    extension: str

    @property
    def name(self) -> str:
        return f"{self.package.rsplit('/', 1)[-1]}-{self.version}{self.extension}"


# GraphiQL 4 is the last major with a browser build (5 is ESM for bundlers); its build holds
# graphql-js (16.11.0) and graphql-ws, and wants React 18's (19 ships none) as globals.
REACT = Asset("react", "18.3.1", "umd/react.production.min.js", ".min.js")
REACT_DOM = Asset("react-dom", "18.3.1", "umd/react-dom.production.min.js", ".min.js")
GRAPHIQL = Asset("graphiql", "4.0.1", "dist/index.umd.js", ".min.js")
GRAPHIQL_CSS = Asset("graphiql", "4.0.1", "dist/style.css", ".min.css")
ASSETS = (REACT, REACT_DOM, GRAPHIQL, GRAPHIQL_CSS)
_MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css"}

_OPERATOR = next(login for login in DEMO_LOGINS if login.role.startswith("operator"))

WELCOME = f"""\
# Welcome to Lingli's GraphiQL.
#
# 1. Log in: run the mutation below (the ▶ button, or Ctrl-Enter).
#    The demo data (`make run` seeds it) has a login for every role, all with the
#    password {DEMO_PASSWORD}: {_OPERATOR.phone} is {_OPERATOR.name}, the {_OPERATOR.role}
#    operator; the README lists the others.
#
# 2. Copy the accessToken from the answer, open the Headers tab under this editor
#    and write there:
#
#      {{"Authorization": "Bearer <accessToken>"}}
#
#    Every request then runs as that person, and so do subscriptions (GraphiQL
#    sends the headers in the WebSocket's connection_init). A token lasts 15
#    minutes: run the login again when the answers say UNAUTHENTICATED.
#
# 3. Replace this document with a first query, and run it:
#
#      query Me {{ me {{ name }} }}
#
#    Ctrl-Space completes a field; the Docs button (top left) shows every type.

mutation Login {{
  authLogin(phone: "{_OPERATOR.phone}", password: "{DEMO_PASSWORD}") {{
    accessToken
    expiresIn
    person {{ name }}
  }}
}}
"""

_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Lingli GraphiQL</title>
    <link rel="stylesheet" href="{assets}/{css}" />
    <style>
      body {{ margin: 0; }}
      #graphiql {{ height: 100vh; }}
    </style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="{assets}/{react}"></script>
    <script src="{assets}/{react_dom}"></script>
    <script src="{assets}/{graphiql}"></script>
    <script>
      const url = new URL(window.location.href);
      url.search = "";
      url.hash = "";
      const subscriptionUrl = new URL(url);
      subscriptionUrl.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      // Subscriptions go over graphql-transport-ws; the Headers tab's JSON is their connection_init payload.
      const fetcher = GraphiQL.createFetcher({{ url: url.toString(), subscriptionUrl: subscriptionUrl.toString() }});
      ReactDOM.createRoot(document.getElementById("graphiql")).render(
        React.createElement(GraphiQL, {{
          fetcher,
          defaultQuery: {welcome},
          defaultEditorToolsVisibility: "headers",
          isHeadersEditorEnabled: true,
          // Access tokens stay out of localStorage: log in again after a reload.
          shouldPersistHeaders: false,
        }}),
      );
    </script>
  </body>
</html>
"""


def page_html() -> str:
    # JSON is a JavaScript literal; "</" is escaped so no text can close the <script> early.
    welcome = json.dumps(WELCOME).replace("</", "<\\/")
    return _PAGE.format(
        assets=ASSETS_PATH,
        css=GRAPHIQL_CSS.name,
        react=REACT.name,
        react_dom=REACT_DOM.name,
        graphiql=GRAPHIQL.name,
        welcome=welcome,
    )


async def _asset(request: Request) -> Response:
    name = request.path_params["name"]
    asset = next((a for a in ASSETS if a.name == name), None)
    if asset is None:
        raise HTTPException(404)  # answered as every 404 is (server/http_errors.py)
    return FileResponse(
        ASSETS_DIR / asset.name,
        media_type=_MEDIA_TYPES[Path(asset.name).suffix],
        # The name holds the version: a new version is a new name, so this one never changes.
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


def graphiql_routes() -> list[BaseRoute]:
    """The page's assets under /graphiql/, gzipped."""
    return [Mount(f"/{ASSETS_PATH}", routes=[Route("/{name}", _asset)], middleware=[Middleware(GZipMiddleware)])]
