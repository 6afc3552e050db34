"""A credit-check client for an approval system: copy this file, set the configuration.

It screens applicants against the credit graph before a matter is granted:

1. gets a bearer token from the identity provider the gateway trusts (OAuth 2.0 client
   credentials, RFC 6749 §4.4), kept until shortly before it expires;
2. states the purpose of the query (管理办法 第三十三条) in ``X-Credit-Purpose``,
   percent-encoded, so that Chinese text survives every HTTP stack on the way;
3. sends the registered ``CreditCheckBatch`` document by id (``documentId``), never free
   text, in chunks of at most the gateway's ``CREDIT_GRAPH_MAX_BATCH`` subjects;
4. waits and retries when the gateway answers 503 (Neo4j unreachable), for as long as its
   ``Retry-After`` says, a bounded number of times;
5. turns each answer into a decision for one subject, with the entries and measures it
   rests on and the articles they implement.

Configuration (environment):

- ``CREDIT_CLIENT_URL``: the gateway's ``/graphql``, e.g. ``http://127.0.0.1:8000/graphql``
- ``CREDIT_CLIENT_TOKEN_URL``, ``CREDIT_CLIENT_ID``, ``CREDIT_CLIENT_SECRET`` and optionally
  ``CREDIT_CLIENT_SCOPE``: the identity provider's token endpoint and this system's
  credentials; or ``CREDIT_CLIENT_TOKEN``: a token as it is (for the demo:
  ``.venv/bin/credit-graph token --sub approval-system-7 --roles approval
  --dept 320800/淮安市行政审批局``)
- ``CREDIT_CLIENT_BATCH``: subjects per request (default 1000; at most the gateway's
  ``CREDIT_GRAPH_MAX_BATCH``)

Run: ``python examples/approval_client.py --matter ADMINISTRATIVE_LICENSING
--purpose 行政许可审查 subjects.jsonl`` with one subject a line (``{"uscc": "9132..."}`` or
``{"idNumber": "3204..."}``); it prints one decision a line as JSON.

Needs only ``httpx``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import email.utils
import hashlib
import json
import os
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

# The registered document (graph_schema/documents/CreditCheckBatch.graphql, byte for byte):
# the gateway knows it by the SHA-256 of this text and may refuse any other.
CREDIT_CHECK_BATCH = """\
# Screen up to CREDIT_GRAPH_MAX_BATCH applicants for one matter: one answer per subject,
# in input order, each decision with the hits and measures it rests on and their legal basis.
query CreditCheckBatch($subjects: [SubjectRef!]!, $matter: MatterType!, $asOf: Date) {
  creditCheckBatch(subjects: $subjects, matter: $matter, asOf: $asOf) {
    found
    decision
    asOf
    subject { id name kind uscc }
    error { code message value }
    hits {
      entryId kind category severity derived withheld disputed recognisedOn validUntil
      department { name level }
      legalBasis { itemId document documentNumber article }
    }
    measures {
      id name effect hitIds
      legalBasis { itemId document documentNumber article }
    }
  }
}
"""
DOCUMENT_ID = "sha256:" + hashlib.sha256(CREDIT_CHECK_BATCH.encode()).hexdigest()

Subject = Mapping[str, str]  # {"uscc": ...} or {"idNumber": ...}: by code, never by name


@dataclass(frozen=True)
class Config:
    graphql_url: str
    token_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = dataclasses.field(default=None, repr=False)
    scope: str | None = None
    token: str | None = dataclasses.field(default=None, repr=False)  # instead of the above
    batch_size: int = 1000
    max_attempts: int = 5  # per request, the first included
    max_wait_s: float = 30.0  # the longest Retry-After honoured; longer ones are cut to it
    timeout_s: float = 60.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Config:
        return cls(
            graphql_url=env["CREDIT_CLIENT_URL"],
            token_url=env.get("CREDIT_CLIENT_TOKEN_URL"),
            client_id=env.get("CREDIT_CLIENT_ID"),
            client_secret=env.get("CREDIT_CLIENT_SECRET"),
            scope=env.get("CREDIT_CLIENT_SCOPE"),
            token=env.get("CREDIT_CLIENT_TOKEN"),
            batch_size=int(env.get("CREDIT_CLIENT_BATCH", "1000")),
        )


class GatewayError(Exception):
    """The gateway refused the request: ``code`` is its stable ``extensions.code``."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(f"{code} (HTTP {status}): {message}")
        self.code, self.message, self.status = code, message, status


class Tokens:
    """Bearer tokens by client credentials, renewed a minute before they expire."""

    RENEW_BEFORE_S = 60.0

    def __init__(self, config: Config, http: httpx.Client) -> None:
        if not config.token and not (config.token_url and config.client_id):
            raise ValueError(
                "set CREDIT_CLIENT_TOKEN_URL and CREDIT_CLIENT_ID (and _SECRET), "
                "or CREDIT_CLIENT_TOKEN"
            )
        self._config, self._http = config, http
        self._token, self._expires = config.token, float("inf")

    def get(self) -> str:
        if self._token is None or time.monotonic() > self._expires - self.RENEW_BEFORE_S:
            self._token = self._fetch()
        return self._token

    def renew(self) -> bool:
        """After a 401: fetch a new token when there is an identity provider to ask."""
        if self._config.token_url is None:
            return False
        self._token = self._fetch()
        return True

    def _fetch(self) -> str:
        c = self._config
        form = {"grant_type": "client_credentials", **({"scope": c.scope} if c.scope else {})}
        response = self._http.post(
            str(c.token_url), data=form, auth=(str(c.client_id), c.client_secret or "")
        )
        if response.status_code != 200:
            raise GatewayError("TOKEN_REFUSED", response.text[:200], response.status_code)
        body = response.json()
        self._expires = time.monotonic() + float(body.get("expires_in", 300))
        return str(body["access_token"])


def purpose_header(purpose: str) -> str:
    """``X-Credit-Purpose`` as the gateway reads it: UTF-8, percent-encoded (HTTP header
    values are Latin-1; browsers and many libraries refuse anything else)."""
    return urllib.parse.quote(purpose.strip(), safe="")


def retry_after_s(response: httpx.Response, attempt: int) -> float:
    """How long the gateway asks us to wait (seconds or an HTTP date, RFC 9110 §10.2.3);
    without the header, 1, 2, 4 … seconds."""
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    if value:
        try:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
        except (TypeError, ValueError):
            pass
    return float(2 ** (attempt - 1))


@dataclass(frozen=True)
class Citation:
    """An article a hit or a measure rests on."""

    document: str
    document_number: str | None
    article: str

    def __str__(self) -> str:
        number = f"（{self.document_number}）" if self.document_number else ""
        return f"《{self.document}》{number}{self.article}"


@dataclass(frozen=True)
class Ground:
    """A list entry in force that the decision counts."""

    entry_id: str
    kind: str  # BLACK or RED
    category: str | None
    severity: str
    department: str | None
    valid_until: str | None
    derived: bool  # reached the person through an organisation (管理办法 第二十六条)
    withheld: bool  # counts, but its facts need an authorised query (管理办法 第二十一条)
    disputed: bool  # an objection is open
    legal_basis: tuple[Citation, ...]


@dataclass(frozen=True)
class AppliedMeasure:
    """A joint reward or punishment measure, and the entries that trigger it."""

    id: str
    name: str
    effect: str
    entry_ids: tuple[str, ...]
    legal_basis: tuple[Citation, ...]


@dataclass(frozen=True)
class SubjectDecision:
    """What the approval system does for one applicant.

    ``outcome`` is the gateway's decision (BLOCK 拦截, REVIEW 人工审核, GREEN_CHANNEL
    绿色通道, CLEAR 无记录), or NOT_FOUND (no such subject in the credit graph) or INVALID
    (the code fails its check digit; ``error`` says why).
    """

    subject: Subject
    outcome: str
    name: str | None
    as_of: str
    grounds: tuple[Ground, ...]
    measures: tuple[AppliedMeasure, ...]
    error: str | None = None

    @property
    def legal_basis(self) -> list[str]:
        """Every article the decision rests on, once each, measures first."""
        cited = [c for m in self.measures for c in m.legal_basis]
        cited += [c for g in self.grounds for c in g.legal_basis]
        return list(dict.fromkeys(str(c) for c in cited))

    def as_json(self) -> dict[str, Any]:
        return {
            **dataclasses.asdict(self),
            "subject": dict(self.subject),
            "legal_basis": self.legal_basis,
        }


def _citations(items: Sequence[Mapping[str, Any]]) -> tuple[Citation, ...]:
    return tuple(Citation(b["document"], b.get("documentNumber"), b["article"]) for b in items)


def decision_of(subject: Subject, answer: Mapping[str, Any]) -> SubjectDecision:
    """One ``creditCheckBatch`` answer as a decision."""
    error = answer.get("error")
    if error:
        outcome = "INVALID"
    elif not answer["found"]:
        outcome = "NOT_FOUND"
    else:
        outcome = answer["decision"]
    grounds = tuple(
        Ground(
            entry_id=h["entryId"],
            kind=h["kind"],
            category=h.get("category"),
            severity=h["severity"],
            department=(h.get("department") or {}).get("name"),
            valid_until=h.get("validUntil"),
            derived=h["derived"],
            withheld=h["withheld"],
            disputed=h["disputed"],
            legal_basis=_citations(h["legalBasis"]),
        )
        for h in answer["hits"]
    )
    measures = tuple(
        AppliedMeasure(
            id=m["id"],
            name=m["name"],
            effect=m["effect"],
            entry_ids=tuple(m["hitIds"]),
            legal_basis=_citations(m["legalBasis"]),
        )
        for m in answer["measures"]
    )
    return SubjectDecision(
        subject=subject,
        outcome=outcome,
        name=(answer.get("subject") or {}).get("name"),
        as_of=answer["asOf"],
        grounds=grounds,
        measures=measures,
        error=f"{error['code']}: {error['message']}" if error else None,
    )


def chunks(items: Sequence[Subject], size: int) -> Iterator[Sequence[Subject]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class CreditCheckClient:
    """Screens subjects for a matter; see the module docstring."""

    def __init__(
        self,
        config: Config,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self._http = http or httpx.Client(timeout=config.timeout_s)
        self._owns_http = http is None
        self._tokens = Tokens(config, self._http)
        self._sleep = sleep

    def __enter__(self) -> CreditCheckClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def check(
        self, subjects: Sequence[Subject], matter: str, purpose: str, as_of: dt.date | None = None
    ) -> list[SubjectDecision]:
        """One decision per subject, in the order given."""
        out: list[SubjectDecision] = []
        for chunk in chunks(subjects, self.config.batch_size):
            variables = {
                "subjects": [dict(s) for s in chunk],
                "matter": matter,
                "asOf": as_of.isoformat() if as_of else None,
            }
            answers = self._post(variables, purpose)["creditCheckBatch"]
            out += [decision_of(s, a) for s, a in zip(chunk, answers, strict=True)]
        return out

    def _post(self, variables: dict[str, Any], purpose: str) -> dict[str, Any]:
        body = {"documentId": DOCUMENT_ID, "variables": variables}
        response = self._send(body, purpose)
        if response.status_code == 401 and self._tokens.renew():  # revoked or expired early
            response = self._send(body, purpose)
        attempt = 1
        while response.status_code == 503 and attempt < self.config.max_attempts:
            self._sleep(min(retry_after_s(response, attempt), self.config.max_wait_s))
            response = self._send(body, purpose)
            attempt += 1
        return _data(response)

    def _send(self, body: dict[str, Any], purpose: str) -> httpx.Response:
        return self._http.post(
            self.config.graphql_url,
            json=body,
            headers={
                "Authorization": f"Bearer {self._tokens.get()}",
                "X-Credit-Purpose": purpose_header(purpose),
            },
        )


def _data(response: httpx.Response) -> dict[str, Any]:
    """The answer's data, or ``GatewayError`` with the first error's code."""
    try:
        payload = response.json()
    except ValueError:
        raise GatewayError("BAD_RESPONSE", response.text[:200], response.status_code) from None
    errors = payload.get("errors") or []
    if response.status_code != 200 or errors or payload.get("data") is None:
        first = errors[0] if errors else {}
        raise GatewayError(
            (first.get("extensions") or {}).get("code", "UNKNOWN"),
            first.get("message", response.text[:200]),
            response.status_code,
        )
    return payload["data"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screen applicants for a matter.")
    parser.add_argument("subjects", help='JSON lines: {"uscc": ...} or {"idNumber": ...}')
    parser.add_argument("--matter", required=True, help="e.g. ADMINISTRATIVE_LICENSING")
    parser.add_argument("--purpose", required=True, help="why: 管理办法 第三十三条")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    args = parser.parse_args(argv)
    with open(args.subjects, encoding="utf-8") as lines:
        subjects = [json.loads(line) for line in lines if line.strip()]
    try:
        with CreditCheckClient(Config.from_env()) as client:
            decisions = client.check(subjects, args.matter, args.purpose, args.as_of)
    except GatewayError as exc:
        print(exc, file=sys.stderr)
        return 1
    for decision in decisions:
        print(json.dumps(decision.as_json(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
