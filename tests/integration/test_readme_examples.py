"""Every request the README shows, run against the demo data, answers what the README says.

The demo is loaded as `credit-graph demo` loads it (``DEMO_SUBJECTS`` subjects of seed
``DEMO_SEED``, generated for and imported as of the load day) into a Neo4j instance of
this test's own (the suite's instance name with ``-readme``, ports +400), once for each
of two days: the examples hold on any day, dates apart (``tests/readme_examples.py``
says how the README marks them and how answers are compared). The gateway's clock is
pinned to the load day; the dates in requests are written for the generator's reference
day and move with it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from gateway.auth import mint_token
from gateway.base.db import Database
from gateway.base.settings import Settings
from gateway.ops import neo4j_server
from gateway.ops.cli import demo_banner, load_dataset
from graph_schema.migrate import migrate
from seeds import load_all
from seeds.generator import DEMO_SEED, DEMO_SUBJECTS, REFERENCE_DAY, generate
from tests.conftest import LiveServer, free_port
from tests.readme_examples import Example, Ids, compare, examples

# Two load days, neither the reference day; the second in a year chinese_calendar lacks.
DAYS = (dt.date(2026, 11, 30), dt.date(2027, 9, 14))
_ISO_DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})(?=[T\"' ])")


@pytest.fixture(scope="module")
def own(settings: Settings) -> Iterator[Settings]:
    if not settings.local_neo4j:
        pytest.skip(
            "the suite runs against an external Neo4j; this test loads the demo into "
            "a local instance of its own"
        )
    own = settings.with_(
        instance=f"{settings.instance}-readme",
        bolt_port=settings.bolt_port + 400,
        http_port=settings.http_port + 400,
    )
    neo4j_server.start(own)
    yield own
    if not os.environ.get("CREDIT_GRAPH_TEST_KEEP_NEO4J"):
        neo4j_server.stop(own)


@pytest.fixture(scope="module", params=DAYS, ids=str)
async def demo(
    request: pytest.FixtureRequest, own: Settings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[Settings, str]]:
    """The demo loaded as of the day; the gateway serving it with its clock on that day."""
    day: dt.date = request.param
    folder = tmp_path_factory.mktemp(f"demo-{day}")
    db = Database.connect(own)
    try:
        async with db.driver.session(database=own.neo4j_database) as session:
            await session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS")
        await migrate(db)
        await load_all(db)
        generate(DEMO_SUBJECTS, DEMO_SEED, folder, day)
        await load_dataset(db, folder, day)
    finally:
        await db.close()
    from gateway.app import create_app

    # The register is written before each answer: the access log an example reads right
    # after a query shows it at once (in the background it may lag a few milliseconds).
    pinned = own.with_(today=day, audit_write="request")
    server = LiveServer(create_app(pinned), free_port())
    server.start()
    try:
        yield pinned, server.url
    finally:
        server.stop()


def _shifted(text: str, day: dt.date) -> str:
    """Dates in a request are written for the reference day: moved to ``day``."""
    shift = day - REFERENCE_DAY
    return _ISO_DAY.sub(lambda m: (dt.date.fromisoformat(m.group(1)) + shift).isoformat(), text)


def _run(example: Example, settings: Settings, url: str, env: dict[str, str], prelude: str) -> Any:
    day = settings.today_()
    assert day is not None
    if example.language == "graphql":
        headers = {}
        if "roles" in example.options:
            token = mint_token(
                settings,
                sub="readme",
                roles=example.options["roles"].split(","),
                dept=example.options.get("dept"),
            )
            headers["authorization"] = f"Bearer {token}"
        if "purpose" in example.options:
            headers["X-Credit-Purpose"] = urllib.parse.quote(example.options["purpose"])
        response = httpx.post(
            url + example.options.get("endpoint", "/graphql"),
            json={"query": _shifted(example.request, day)},
            headers=headers,
            timeout=60,
        )
        return response.json()
    script = prelude + _shifted(example.request, day).replace("localhost:8000", url)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, (example.name, done.stderr.decode())
    return orjson.loads(done.stdout)


def _assignments(script: str) -> str:
    """The variables an example sets for later ones (``TOKEN=$(credit-graph token …)``)."""
    return "".join(
        line + "\n"
        for line in script.splitlines()
        if re.match(r"[A-Z_]+=\$\(credit-graph token ", line)
    )


def test_every_readme_example_answers_as_the_readme_says(demo: tuple[Settings, str]) -> None:
    settings, url = demo
    bin_dir = str(Path(sys.executable).parent)  # credit-graph, as the README reaches it
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}",
        "CREDIT_GRAPH_HOME": str(settings.home),
        "CREDIT_GRAPH_INSTANCE": settings.instance,
        "CREDIT_GRAPH_NEO4J_BOLT_PORT": str(settings.bolt_port),
        "CREDIT_GRAPH_NEO4J_HTTP_PORT": str(settings.http_port),
    }
    ids = Ids()
    prelude = ""
    ran = 0
    for example in examples():
        if "federation" in example.options:
            continue  # tests/federation runs it through the router
        example.request = ids.apply(example.request)
        answer = _run(example, settings, url, env, prelude)
        if example.language == "sh":
            prelude += _assignments(example.request)
        assert example.answer is not None, f"{example.name}: no answer follows it"
        try:
            compare(
                example.answer,
                answer,
                ids,
                excerpt="excerpt" in example.options,
                unordered="unordered" in example.options,
            )
        except AssertionError as exc:
            raise AssertionError(
                f"{example.name} on {settings.today}: {exc}\n{orjson.dumps(answer).decode()}"
            ) from None
        ran += 1
    assert ran >= 10


def test_the_demo_banner_s_commands_work_as_printed(demo: tuple[Settings, str]) -> None:
    """The token command and the search `credit-graph demo` prints, pasted into a shell."""
    settings, url = demo
    cli = str(Path(sys.executable).parent / "credit-graph")
    banner = (demo_banner(url, cli) + "\n").split("\n")
    env = {
        **os.environ,
        "CREDIT_GRAPH_HOME": str(settings.home),
        "CREDIT_GRAPH_INSTANCE": settings.instance,
    }

    def command(starts: str) -> str:
        first = next(i for i, line in enumerate(banner) if line.strip().startswith(starts))
        end = next(i for i in range(first, len(banner)) if not banner[i].strip())
        return "\n".join(banner[first:end])

    token = (
        subprocess.run(
            ["bash", "-c", command(cli)], capture_output=True, env=env, check=True, timeout=60
        )
        .stdout.decode()
        .strip()
    )
    answer = httpx.post(
        url + "/graphql",
        json={"query": '{ jurisdiction(code: "320800") { name } }'},
        headers={"authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    assert answer == {"data": {"jurisdiction": {"name": "淮安市"}}}
    found = orjson.loads(
        subprocess.run(
            ["bash", "-c", command("curl")], capture_output=True, check=True, timeout=60
        ).stdout
    )
    names = [e["node"]["name"] for e in found["data"]["search"]["edges"]]
    assert len(names) == 3 and all("华宏" in n for n in names), found
