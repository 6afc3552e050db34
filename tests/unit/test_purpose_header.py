"""X-Credit-Purpose as browsers and curl send it: percent-encoded or raw UTF-8, one text.

A browser cannot send 行政许可审查 raw (header values are ISO-8859-1), so the GraphiQL and
/explore pages send ``encodeURIComponent(purpose)``; curl sends the UTF-8 bytes. Both must
reach the register as the words the officer typed.
"""

from __future__ import annotations

import urllib.parse

import pytest
from starlette.requests import Request

from gateway.base.errors import InvalidInput
from resolvers.context import read_purpose

# What encodeURIComponent leaves unencoded (ECMA-262 uriUnreserved and uriMark).
URI_COMPONENT_SAFE = "-_.!~*'()"


def request(value: bytes) -> Request:
    return Request(
        {
            "type": "http",
            "method": "POST",
            "path": "/graphql",
            "headers": [(b"x-credit-purpose", value)],
        }
    )


@pytest.mark.parametrize(
    "purpose", ["行政许可审查", "案件调查 (2026) 第3号", "100% 核查+复核", "a/b?c=d"]
)
def test_encoded_as_a_browser_does_or_raw_reads_the_same(purpose: str) -> None:
    encoded = urllib.parse.quote(purpose, safe=URI_COMPONENT_SAFE).encode("ascii")
    assert read_purpose(request(encoded)) == purpose
    if "%" not in purpose:  # a raw % followed by two hex digits would be decoded
        assert read_purpose(request(purpose.encode("utf-8"))) == purpose


def test_bytes_that_are_not_utf8_are_refused() -> None:
    with pytest.raises(InvalidInput):
        read_purpose(request("审查".encode("gb18030")))
    with pytest.raises(InvalidInput):
        read_purpose(request(b"%E5%AE"))  # half a character, percent-encoded
