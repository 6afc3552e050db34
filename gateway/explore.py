"""The investigators' graph view: ``/explore`` and its static assets.

The page is a shell with no data in it, so it is served without a token; the script
(``web/explore.js``, bundled by esbuild into ``gateway/static/explore.js`` by ``make
web``) asks ``/graphql`` for everything with the bearer token the investigator pastes.
A strict Content-Security-Policy allows only this server's own script, styles and
``/graphql``: nothing from a CDN, no inline script, so a value from the graph can never
run as code in the page that holds the token.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

STATIC = Path(__file__).resolve().parent / "static"
PAGE = STATIC / "explore.html"

# cytoscape adds one <style> of its own: allowed by its hash, not by 'unsafe-inline'.
_CYTOSCAPE_STYLE = "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='"
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' data: blob:; "
        f"style-src 'self' {_CYTOSCAPE_STYLE}; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


async def page(request: Request) -> Response:
    return FileResponse(PAGE, media_type="text/html; charset=utf-8", headers=HEADERS)


class Assets(StaticFiles):
    """A page's script and styles, with the page's headers (``HEADERS`` unless given)."""

    def __init__(self, *, directory: Path, headers: dict[str, str] | None = None) -> None:
        super().__init__(directory=directory, check_dir=False)
        self._directory = directory
        self._headers = [(k.lower().encode(), v.encode()) for k, v in (headers or HEADERS).items()]

    async def check_config(self) -> None:
        """A bundle not built yet (``make web``) is a 404 for each asset, not a server that
        cannot start: the pages say what to run."""
        if self._directory.is_dir():
            await super().check_config()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *self._headers]
            await send(message)

        await super().__call__(scope, receive, with_headers)


def routes() -> list[Route | Mount]:
    return [
        Route("/explore", page, methods=["GET"]),
        Mount("/explore/static", app=Assets(directory=STATIC), name="explore-static"),
    ]
