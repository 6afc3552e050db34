"""Bearer tokens for the government audience: verification, the viewer, development tokens.

One backend turns ``Authorization: Bearer <JWT>`` into a ``Viewer`` or raises
``Unauthenticated``. HS256 with a shared secret is the local default (generated
into ``<home>/jwt-secret`` for the project's own Neo4j, so ``make demo`` needs no
configuration); deployments verify RS256 against an identity provider's JWKS URL
or a PEM public key. Signature, ``exp``, ``aud`` and (when configured) ``iss`` are
checked; the algorithm must be one the settings allow, so ``alg: none`` and
HMAC-with-a-public-key confusion never verify.

Claims: ``sub`` (the caller), ``dept`` (department id, ``<code>/<name>``), ``jur``
(jurisdiction code), ``roles`` (``approval``, ``investigator``, ``credit_admin``,
``supervisor``, and ``subject`` with ``subject_id`` for a subject acting for itself).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import secrets
import time
import uuid
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

import jwt
from starlette.requests import Request

from gateway.base.errors import ConfigurationError, Unauthenticated
from gateway.base.settings import Settings
from gateway.base.viewer import GOVERNMENT_ROLES, KNOWN_ROLES, SUBJECT, Viewer

_HMAC = {"HS256", "HS384", "HS512"}
_ASYMMETRIC = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"}
MIN_SECRET_BYTES = 32  # RFC 7518 §3.2: an HS256 key at least as long as the hash


def _text(claims: Mapping[str, Any], name: str, required: bool) -> str | None:
    value = claims.get(name)
    if value is None or value == "":
        if required:
            raise Unauthenticated(f"the token lacks the claim {name!r}", claim=name)
        return None
    if not isinstance(value, str):
        raise Unauthenticated(f"the claim {name!r} must be a string", claim=name)
    return value


def viewer_from_claims(claims: Mapping[str, Any]) -> Viewer:
    """Check the claims' shapes and build the viewer; unknown roles are ignored."""
    raw = claims.get("roles")
    if isinstance(raw, str):
        raw = raw.split()
    if not isinstance(raw, list) or not all(isinstance(r, str) for r in raw):
        raise Unauthenticated("the claim 'roles' must be a list of role names", claim="roles")
    roles = frozenset(raw) & KNOWN_ROLES
    if not roles:
        raise Unauthenticated(
            f"the token grants none of the roles {sorted(KNOWN_ROLES)}", claim="roles"
        )
    government = bool(roles & GOVERNMENT_ROLES)
    exp = claims.get("exp")
    return Viewer(
        sub=_text(claims, "sub", True) or "",
        roles=roles,
        dept=_text(claims, "dept", government),
        jur=_text(claims, "jur", government),
        subject_id=_text(claims, "subject_id", SUBJECT in roles),
        expires_at=dt.datetime.fromtimestamp(exp, dt.UTC) if isinstance(exp, int | float) else None,
    )


def resolve_secret(settings: Settings, *, create: bool = True) -> str | None:
    """The HS256 secret: configured, or ``<home>/jwt-secret``, generated once (mode 600) for
    the project's own Neo4j. With ``NEO4J_URI`` an existing file is read in development only
    (e.g. a benchmark's gateway beside its local instance); it is never generated there."""
    if settings.jwt_secret:
        return settings.jwt_secret
    if not settings.local_neo4j and settings.environment != "development":
        return None
    path = settings.home / "jwt-secret"
    if not path.exists() and create and settings.local_neo4j:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48) + "\n")
    try:
        return path.read_text().strip() or None
    except FileNotFoundError:
        return None


VERIFIED_CACHE = 4096


class TokenVerifier:
    """Verifies bearer tokens against the settings; build once per app."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._verified: dict[str, tuple[Viewer, float]] = {}
        self.algorithms = tuple(a for a in settings.jwt_algorithms if a in _HMAC | _ASYMMETRIC)
        if not self.algorithms or len(self.algorithms) != len(settings.jwt_algorithms):
            raise ConfigurationError(
                f"CREDIT_GRAPH_JWT_ALGORITHMS must name signing algorithms from "
                f"{sorted(_HMAC | _ASYMMETRIC)}, not {list(settings.jwt_algorithms)}"
            )
        self.secret = resolve_secret(settings) if set(self.algorithms) & _HMAC else None
        if set(self.algorithms) & _HMAC:
            if not self.secret:
                raise ConfigurationError(
                    "CREDIT_GRAPH_JWT_SECRET is required for HS256 tokens "
                    "(or set CREDIT_GRAPH_JWT_JWKS_URL for RS256)"
                )
            if len(self.secret.encode()) < MIN_SECRET_BYTES:
                raise ConfigurationError(
                    f"CREDIT_GRAPH_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes"
                )
        self.public_key: str | None = None
        if settings.jwt_public_key_file is not None:
            self.public_key = settings.jwt_public_key_file.read_text()
        if set(self.algorithms) & _ASYMMETRIC and not (self.public_key or settings.jwt_jwks_url):
            raise ConfigurationError(
                "asymmetric JWT algorithms need CREDIT_GRAPH_JWT_JWKS_URL "
                "or CREDIT_GRAPH_JWT_PUBLIC_KEY_FILE"
            )

    @cached_property
    def jwks(self) -> jwt.PyJWKClient | None:
        url = self.settings.jwt_jwks_url
        return jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=5) if url else None

    def _key(self, token: str, alg: str) -> Any:
        if alg in _HMAC:
            return self.secret
        if self.jwks is not None:
            try:
                return self.jwks.get_signing_key_from_jwt(token).key
            except jwt.PyJWKClientConnectionError as exc:
                raise Unauthenticated(
                    "the identity provider's keys are unavailable", reason=str(exc)
                ) from None
            except jwt.PyJWKClientError:
                raise Unauthenticated("the token's signing key is unknown") from None
        return self.public_key

    def verify(self, token: str) -> Viewer:
        """The viewer of a valid token; ``Unauthenticated`` with the reason otherwise.

        A verified token is remembered until it expires: a service calling with the same
        token thousands of times is verified once, not on every request.
        """
        cached = self._verified.get(token)
        if cached is not None:
            viewer, expires = cached
            if time.time() < expires:
                return viewer
            del self._verified[token]
        viewer, expires = self._verify(token)
        if len(self._verified) >= VERIFIED_CACHE:
            self._verified.clear()
        self._verified[token] = (viewer, expires)
        return viewer

    def _verify(self, token: str) -> tuple[Viewer, float]:
        try:
            alg = jwt.get_unverified_header(token).get("alg")
        except jwt.InvalidTokenError:
            raise Unauthenticated("the token is malformed") from None
        if alg not in self.algorithms:
            raise Unauthenticated(f"tokens signed with {alg!r} are not accepted", alg=str(alg))
        required = ["exp", "aud", "sub"] + (["iss"] if self.settings.jwt_issuer else [])
        try:
            claims = jwt.decode(
                token,
                self._key(token, alg),
                algorithms=[alg],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                leeway=self.settings.jwt_leeway_s,
                options={"require": required},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired") from None
        except jwt.InvalidAudienceError:
            raise Unauthenticated("the token is not meant for this service (audience)") from None
        except jwt.InvalidIssuerError:
            raise Unauthenticated("the token's issuer is not trusted") from None
        except jwt.MissingRequiredClaimError as exc:
            raise Unauthenticated(
                f"the token lacks the claim {exc.claim!r}", claim=exc.claim
            ) from None
        except jwt.InvalidSignatureError:
            raise Unauthenticated("the token's signature is invalid") from None
        except jwt.InvalidTokenError:
            raise Unauthenticated("the token is invalid") from None
        return viewer_from_claims(claims), float(claims["exp"]) + self.settings.jwt_leeway_s

    async def authenticate(self, request: Request) -> Viewer:
        """The request's viewer; a missing or bad token is ``Unauthenticated`` (HTTP 401)."""
        token = bearer_token(request)
        if token is None:
            raise Unauthenticated("a bearer token is required (Authorization: Bearer <JWT>)")
        if self.jwks is not None:  # a key fetch may block: keep it off the event loop
            return await asyncio.to_thread(self.verify, token)
        return self.verify(token)


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def mint_token(
    settings: Settings,
    *,
    sub: str,
    roles: Iterable[str],
    dept: str | None = None,
    jur: str | None = None,
    subject_id: str | None = None,
    ttl: dt.timedelta = dt.timedelta(hours=8),
    now: dt.datetime | None = None,
    secret: str | None = None,
) -> str:
    """A development token signed with the HS256 secret (never for production use)."""
    key = secret or resolve_secret(settings)
    if not key:
        raise ConfigurationError("no HS256 secret: set CREDIT_GRAPH_JWT_SECRET")
    unknown = set(roles) - KNOWN_ROLES
    if unknown:
        raise ConfigurationError(f"unknown roles {sorted(unknown)}; known: {sorted(KNOWN_ROLES)}")
    if jur is None and dept and "/" in dept:
        jur = dept.split("/", 1)[0]
    # A token's lifetime is on the system clock, as the verifier's (PyJWT) and an identity
    # provider's are: pinning the business day (settings.today) must not extend or cut it.
    issued = now or dt.datetime.now(dt.UTC)
    claims: dict[str, Any] = {
        "sub": sub,
        "aud": settings.jwt_audience,
        "roles": sorted(roles),
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
        "jti": str(uuid.uuid4()),
    }
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    for name, value in (("dept", dept), ("jur", jur), ("subject_id", subject_id)):
        if value:
            claims[name] = value
    return jwt.encode(claims, key, algorithm="HS256")
