"""GraphiQL for development (``ROADLOG_DEV=1``), served from vendored files, no CDN."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

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
        headers: JSON.stringify({ Authorization: "Bearer <your token>" }, null, 2),
      })
    );
  </script>
</body>
</html>
"""


async def graphiql_page(request: Request) -> HTMLResponse:
    """The GraphiQL IDE; put a token in its Headers tab."""
    return HTMLResponse(PAGE)


def graphiql_routes() -> list[Route | Mount]:
    """``/graphiql`` and its assets; only mounted in development."""
    return [
        Route("/graphiql", graphiql_page, methods=["GET"]),
        Mount("/graphiql/static", StaticFiles(directory=STATIC), name="graphiql-static"),
    ]
