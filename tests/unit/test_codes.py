"""The fast code checks answer exactly as graph_schema/identifiers.py does."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from gateway.base.errors import CreditGraphError
from graph_schema.identifiers import normalise_id_number, normalise_uscc
from seeds import codes
from seeds.generator import make_id_number, make_uscc


def outcome(check: Callable[[str], str], text: str) -> tuple[str, str]:
    try:
        return "ok", check(text)
    except CreditGraphError as exc:
        return exc.code, exc.message


def variants(code: str, rng: random.Random) -> list[str]:
    """The code, and codes near it: a changed character, case, separators, length."""
    out = [code, code.lower(), f" {code} ", code[:6] + "-" + code[6:], code[:-1], code + "0"]
    for _ in range(6):
        i = rng.randrange(len(code))
        out.append(code[:i] + rng.choice("0123456789ABXYZaxI１²") + code[i + 1 :])
    return out


@pytest.mark.parametrize("seed", range(4))
def test_uscc_and_id_number_checks_agree(seed: int) -> None:
    rng = random.Random(seed)
    used: set[str] = set()
    for n in range(300):
        region = rng.choice(["320800", "320281", "110000", "999999"])
        for text in variants(make_uscc(rng.randrange(10**9), region, n % 2 == 0), rng):
            assert outcome(codes.uscc, text) == outcome(normalise_uscc, text), text
        for text in variants(make_id_number(rng, used), rng):
            assert outcome(codes.id_number, text) == outcome(normalise_id_number, text), text
    for text in ["", "X", "19990229", "320402199902291234", "32040219990229123X"]:
        assert outcome(codes.id_number, text) == outcome(normalise_id_number, text), text
        assert outcome(codes.uscc, text) == outcome(normalise_uscc, text), text
