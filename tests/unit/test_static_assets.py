"""The pages' bundles are built by ``make web``: a server started before that still starts,
and each missing asset is a 404 rather than an error."""

from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from gateway.explore import Assets


@pytest.mark.asyncio
async def test_a_bundle_not_built_yet_is_a_404_and_one_built_later_is_served(
    tmp_path: Path,
) -> None:
    bundle = tmp_path / "graphiql"
    app = Starlette(routes=[Mount("/static", app=Assets(directory=bundle))])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        assert (await client.get("/static/graphiql.js")).status_code == 404
        bundle.mkdir()
        (bundle / "graphiql.js").write_text("console.log(1)", encoding="utf-8")
        answer = await client.get("/static/graphiql.js")
        assert answer.status_code == 200 and answer.text == "console.log(1)"
        assert answer.headers["x-content-type-options"] == "nosniff"
