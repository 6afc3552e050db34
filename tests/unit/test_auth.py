"""Token verification: every bad case is ``Unauthenticated``; HS256, PEM and JWKS keys."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import http.server
import json
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.auth import TokenVerifier, mint_token, resolve_secret, viewer_from_claims
from gateway.base.errors import ConfigurationError, Unauthenticated
from gateway.base.settings import Settings

SECRET = "s" * 48
NOW = dt.datetime.now(dt.UTC)  # token lifetimes are on the system clock (gateway/auth.py)


def settings(**changes: Any) -> Settings:
    base = Settings(jwt_secret=SECRET, jwt_leeway_s=0)
    return base.with_(**changes) if changes else base


def claims(**changes: Any) -> dict[str, Any]:
    c: dict[str, Any] = {
        "sub": "officer-1",
        "aud": "credit-graph",
        "dept": "320800/淮安市市场监督管理局",
        "jur": "320800",
        "roles": ["approval"],
        "exp": int((NOW + dt.timedelta(hours=1)).timestamp()),
    }
    c.update(changes)
    return {k: v for k, v in c.items() if v is not None}


def rejected(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(Unauthenticated) as caught:
        verifier.verify(token)
    return caught.value.message


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_good_token_makes_a_viewer() -> None:
    viewer = TokenVerifier(settings()).verify(jwt.encode(claims(), SECRET, algorithm="HS256"))
    assert viewer.sub == "officer-1" and viewer.roles == {"approval"} and viewer.government
    assert viewer.grantee_ids == ("320800/淮安市市场监督管理局",)


def test_each_bad_token_is_rejected_with_its_reason() -> None:
    v = TokenVerifier(settings())
    assert "signature" in rejected(v, jwt.encode(claims(), "x" * 48, algorithm="HS256"))
    expired = claims(exp=int((NOW - dt.timedelta(minutes=5)).timestamp()))
    assert "expired" in rejected(v, jwt.encode(expired, SECRET, algorithm="HS256"))
    assert "audience" in rejected(v, jwt.encode(claims(aud="other"), SECRET, algorithm="HS256"))
    assert "'aud'" in rejected(v, jwt.encode(claims(aud=None), SECRET, algorithm="HS256"))
    assert "'exp'" in rejected(v, jwt.encode(claims(exp=None), SECRET, algorithm="HS256"))
    assert "'dept'" in rejected(v, jwt.encode(claims(dept=None), SECRET, algorithm="HS256"))
    none = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}."
    assert "'none'" in rejected(v, none)
    assert "malformed" in rejected(v, "not-a-token")
    assert "roles" in rejected(v, jwt.encode(claims(roles=["root"]), SECRET, algorithm="HS256"))
    assert "'subject_id'" in rejected(
        v, jwt.encode(claims(roles=["subject"]), SECRET, algorithm="HS256")
    )


def test_the_issuer_is_checked_when_configured() -> None:
    v = TokenVerifier(settings(jwt_issuer="https://idp.example"))
    good = jwt.encode(claims(iss="https://idp.example"), SECRET, algorithm="HS256")
    assert v.verify(good).sub == "officer-1"
    assert "issuer" in rejected(
        v, jwt.encode(claims(iss="https://evil"), SECRET, algorithm="HS256")
    )
    assert "'iss'" in rejected(v, jwt.encode(claims(), SECRET, algorithm="HS256"))


def test_minted_tokens_verify_and_unknown_roles_are_refused() -> None:
    s = settings()
    token = mint_token(
        s, sub="me", roles=["subject"], subject_id="abc", ttl=dt.timedelta(minutes=1)
    )
    viewer = TokenVerifier(s).verify(token)
    assert viewer.acts_for("abc") and not viewer.government and viewer.grantee_ids == ("abc",)
    with pytest.raises(ConfigurationError):
        mint_token(s, sub="me", roles=["root"])
    assert viewer_from_claims(claims(roles="approval supervisor")).roles == {
        "approval",
        "supervisor",
    }


def test_configuration_errors_fail_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="at least 32 bytes"):
        TokenVerifier(settings(jwt_secret="short"))
    with pytest.raises(ConfigurationError, match="JWKS"):
        TokenVerifier(settings(jwt_algorithms=("RS256",)))
    with pytest.raises(ConfigurationError, match="signing algorithms"):
        TokenVerifier(settings(jwt_algorithms=("none",)))
    remote = Settings(neo4j_uri="bolt://db:7687", neo4j_password="x", home=tmp_path)
    with pytest.raises(ConfigurationError, match="CREDIT_GRAPH_JWT_SECRET"):
        TokenVerifier(remote)


def test_the_local_secret_is_generated_once_with_mode_600(tmp_path: Path) -> None:
    s = Settings(home=tmp_path)
    first = resolve_secret(s)
    assert first and len(first) >= 48 and resolve_secret(s) == first
    assert stat.S_IMODE((tmp_path / "jwt-secret").stat().st_mode) == 0o600
    assert Settings.from_env({"CREDIT_GRAPH_JWT_JWKS_URL": "https://x"}).jwt_algorithms == (
        "RS256",
    )


def _rsa() -> tuple[Any, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return key, pem


def test_rs256_with_a_pem_public_key_and_no_algorithm_confusion(tmp_path: Path) -> None:
    key, pem = _rsa()
    (tmp_path / "idp.pem").write_text(pem)
    v = TokenVerifier(Settings(jwt_algorithms=("RS256",), jwt_public_key_file=tmp_path / "idp.pem"))
    assert v.verify(jwt.encode(claims(), key, algorithm="RS256")).sub == "officer-1"
    other, _ = _rsa()
    assert "signature" in rejected(v, jwt.encode(claims(), other, algorithm="RS256"))
    # The public key used as an HMAC secret: HS256 is not an accepted algorithm here.
    signing_input = f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64(claims())}"
    mac = hmac.new(pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    confused = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    assert "'HS256'" in rejected(v, confused)


@pytest.fixture()
def jwks_server() -> Iterator[tuple[str, Any]]:
    key, _ = _rsa()
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/jwks.json", key
    server.shutdown()
    server.server_close()


def test_rs256_through_a_jwks_url(jwks_server: tuple[str, Any]) -> None:
    url, key = jwks_server
    v = TokenVerifier(
        Settings.from_env(
            {"CREDIT_GRAPH_JWT_JWKS_URL": url, "NEO4J_URI": "bolt://db:7687", "NEO4J_PASSWORD": "x"}
        )
    )
    good = jwt.encode(claims(), key, algorithm="RS256", headers={"kid": "k1"})
    assert v.verify(good).dept == "320800/淮安市市场监督管理局"
    unknown = jwt.encode(claims(), key, algorithm="RS256", headers={"kid": "k2"})
    assert "unknown" in rejected(v, unknown)
