"""A bulk request (a list of 100 or more items in its variables) runs with the cyclic
garbage collector paused, and the collector always resumes as it was."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from gateway.base.errors import InvalidInput
from gateway.graphql_http import BULK_ITEMS, check_variables, collector_paused


@pytest.fixture
def collector() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_longest_list_in_the_variables_is_measured_and_bounded() -> None:
    variables = {"s": [{"uscc": "a"}] * 3, "r": [{"tags": list(range(7))}], "m": "X"}
    assert check_variables(variables, 1000) == 7
    assert check_variables({}, 1000) == 0
    with pytest.raises(InvalidInput):
        check_variables({"deep": {"s": list(range(1001))}}, 1000)
    assert check_variables({"s": list(range(BULK_ITEMS))}, 1000) >= BULK_ITEMS


@pytest.mark.usefixtures("collector")
def test_the_collector_pauses_for_a_bulk_request_only() -> None:
    with collector_paused(False):
        assert gc.isenabled()
    with collector_paused(True):
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector")
def test_overlapping_bulk_requests_resume_the_collector_once_the_last_ends() -> None:
    first, second = collector_paused(True), collector_paused(True)
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second still runs
    second.__exit__(None, None, None)
    assert gc.isenabled()


@pytest.mark.usefixtures("collector")
def test_a_failing_bulk_request_resumes_the_collector() -> None:
    with pytest.raises(RuntimeError), collector_paused(True):
        raise RuntimeError("boom")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector")
def test_a_collector_disabled_by_the_host_stays_disabled() -> None:
    gc.disable()
    with collector_paused(True):
        assert not gc.isenabled()
    assert not gc.isenabled()
