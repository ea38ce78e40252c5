"""GraphiQL for development (``ROADLOG_DEV=1``), served from vendored files, no CDN."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from backend.bootstrap import Services

STATIC = Path(__file__).with_name("static")

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>roadlog GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/static/graphiql.min.css">
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/static/react.production.min.js"></script>
  <script src="/graphiql/static/react-dom.production.min.js"></script>
  <script src="/graphiql/static/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: "/graphql" });
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultEditorToolsVisibility: true,
        defaultHeaders: JSON.stringify(__HEADERS__, null, 2),
      })
    );
  </script>
</body>
</html>
"""


def starting_headers(admin_token_file: Path) -> dict[str, str]:
    """The Headers tab as GraphiQL opens: where to find a token, in the place it goes.

    The page never holds a token itself: anyone who can load it would have it.
    """
    where = f"the token from {admin_token_file}, or one from `roadlog token create`"
    return {"Authorization": f"Bearer <paste {where} here>"}


async def graphiql_page(request: Request) -> HTMLResponse:
    """The GraphiQL IDE, its Headers tab saying where the token comes from."""
    services: Services = request.state.services
    headers = starting_headers(services.settings.admin_token_file)
    return HTMLResponse(PAGE.replace("__HEADERS__", script_literal(headers)))


def script_literal(value: dict[str, str]) -> str:
    """``value`` as a JavaScript literal inside <script>: JSON with <, > and & escaped,
    so no text in it can end the script or open a comment."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def graphiql_routes() -> list[Route | Mount]:
    """``/graphiql`` and its assets; only mounted in development."""
    return [
        Route("/graphiql", graphiql_page, methods=["GET"]),
        Mount("/graphiql/static", StaticFiles(directory=STATIC), name="graphiql-static"),
    ]
