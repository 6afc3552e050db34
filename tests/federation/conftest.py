"""A federated deployment for the end-to-end tests, started once per session.

Three subgraphs as separate uvicorn processes on 127.0.0.1 (credit and policy over the
session's Neo4j, and the sample approval system of ``approval.py``), their ``_service``
SDL composed by @theguild/federation-composition, and Hive Gateway in front of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.auth import resolve_secret
from gateway.base.db import Database
from gateway.base.settings import Settings
from gateway.ops import router
from tests.conftest import TODAY, free_port, unique_uscc
from tests.graph import load_ok
from tests.integration.audiences import bearer

MATTER = "FISCAL_FUNDS"


@dataclass
class Federation:
    router: str
    applicants: dict[str, str]  # role in the tests → USCC
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=60))

    def post(
        self, query: str, variables: dict[str, Any] | None = None, *, headers: dict[str, str]
    ) -> httpx.Response:
        return self.client.post(
            self.router, headers=headers, json={"query": query, "variables": variables or {}}
        )


@pytest.fixture(scope="session")
async def applicants(db: Database) -> dict[str, str]:
    """Organisations the approval system has applications from."""
    blocked, clear, red = unique_uscc(), unique_uscc(), unique_uscc()
    await load_ok(
        db,
        "subjects",
        [
            {"uscc": blocked, "name": "淮安市联邦审批失信有限公司", "jurisdiction_code": "320803"},
            {"uscc": clear, "name": "淮安市联邦审批守信有限公司"},
            {"uscc": red, "name": "淮安市联邦审批诚信示范有限公司"},
        ],
    )
    common = {
        "department_id": "320800/淮安市市场监督管理局",
        "recognised_on": "2026-03-01",
        "basis": "实施办法 第六条",
    }
    await load_ok(
        db,
        "entries",
        [
            {
                **common,
                "list": "BLACK",
                "uscc": blocked,
                "severity": "SERIOUS",
                "disclosure": "GOVERNMENT",
                "facts": "联邦 政府共享事实",
                "document_number": "淮市监罚〔2026〕71号",
            },
            {
                **common,
                "list": "BLACK",
                "uscc": blocked,
                "severity": "SERIOUS",
                "disclosure": "AUTHORISED",
                "facts": "SENTINEL 授权查询事实",
                "document_number": "淮市监罚〔2026〕72号",
            },
            {
                **common,
                "list": "RED",
                "uscc": red,
                "disclosure": "PUBLIC",
                "category": "守信激励",
                "facts": "纳税信用A级",
            },
        ],
    )
    return {"blocked": blocked, "clear": clear, "red": red}


def subgraph_env(settings: Settings, applicants: dict[str, str], work: Path) -> dict[str, str]:
    """The subgraphs' environment: the session's Neo4j and secret, and the approval
    system's applications (one per applicant) in ``work/applications.json``."""
    applications = [
        {"id": "APP-1", "matter": MATTER, "uscc": applicants["blocked"]},
        {"id": "APP-2", "matter": MATTER, "uscc": applicants["clear"]},
        {"id": "APP-3", "matter": MATTER, "uscc": applicants["red"]},
    ]
    (work / "applications.json").write_text(json.dumps(applications))
    return {
        "NEO4J_URI": settings.bolt_uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.password(),
        "NEO4J_DATABASE": settings.neo4j_database,
        "CREDIT_GRAPH_JWT_SECRET": resolve_secret(settings) or "",
        "CREDIT_GRAPH_HOME": str(settings.home),
        "CREDIT_GRAPH_TODAY": TODAY.isoformat(),  # the subgraphs read the suite's pinned clock
        # the register is written before each answer, so a test can count it at once
        "CREDIT_GRAPH_AUDIT_WRITE": "request",
        "APPROVAL_APPLICATIONS_FILE": str(work / "applications.json"),
    }


@pytest.fixture(scope="session")
def federation(
    settings: Settings, applicants: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Federation]:
    assert router.HIVE_GATEWAY.exists(), "run `make federation-deps` first"
    work: Path = tmp_path_factory.mktemp("federation")
    env = subgraph_env(settings, applicants, work)
    apps = {
        "credit": ("gateway.asgi:app", free_port()),
        "policy": ("gateway.asgi:app", free_port()),
        "approval": ("tests.federation.approval:app", free_port()),
    }
    processes, url = router.serve_composed(apps, work, env, bearer(settings), free_port())
    federation = Federation(url, applicants)
    try:
        yield federation
    finally:
        federation.client.close()
        router.stop(processes)
