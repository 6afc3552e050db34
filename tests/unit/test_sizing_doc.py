"""The committed scaling table and sizing document are what their generators write from the
committed result files now; the table holds its largest size's ratios against 1M."""

from __future__ import annotations

import copy

from bench import scaling_table, sizing


def test_committed_scaling_table_is_current() -> None:
    committed = scaling_table.MARKDOWN.read_text(encoding="utf-8")
    assert committed == scaling_table.render(scaling_table.load()), (
        "bench/results/scaling.md is stale: run `python -m bench.scaling_table`"
    )


def test_committed_sizing_document_is_current() -> None:
    committed = sizing.DOC.read_text(encoding="utf-8")
    assert committed == sizing.render(), "deploy/SIZING.md is stale: run `python -m bench.sizing`"


def _table_with(ratio_at_10m: float) -> dict[str, dict]:
    """The committed run, as if measured at 1M and at 10M, one ratio changed at 10M."""
    run = next(iter(scaling_table.load().values()))
    at_1m, at_10m = copy.deepcopy(run), copy.deepcopy(run)
    at_1m["subjects"], at_10m["subjects"] = 1_000_000, 10_000_000
    at_10m["ratios"] = {**run["ratios"], "credit_check_p50_c1": ratio_at_10m}
    at_1m["ratios"] = {**run["ratios"], "credit_check_p50_c1": 1.5}
    return {"1000000": at_1m, "10000000": at_10m}


def test_largest_size_is_held_against_1m_within_ten_percent() -> None:
    within = scaling_table.comparison(_table_with(1.6))  # +7 %
    outside = scaling_table.comparison(_table_with(1.8))  # +20 %
    row = next(line for line in within if line.startswith("| credit_check_p50_c1 "))
    assert row.endswith("| +7% | yes |")
    row = next(line for line in outside if line.startswith("| credit_check_p50_c1 "))
    assert row.endswith("| +20% | **no** |")


def test_a_table_without_1m_says_it_cannot_compare() -> None:
    (line,) = scaling_table.comparison({"100000": {}})
    assert line.startswith("Not yet comparable")


def test_ratios_are_gateway_over_raw() -> None:
    run = next(iter(scaling_table.load().values()))
    r = scaling_table.ratios(run)
    c1 = run["credit_check"]["c1"]
    assert r["credit_check_p50_c1"] == c1["gateway"]["p50_ms"] / c1["raw"]["p50_ms"]
    b = run["credit_check_batch_1000_ms"]
    assert r["credit_check_batch_1000_p50"] == b["gateway_p50"] / b["raw_p50"]


def test_approval_load_grows_with_the_entities() -> None:
    county, city, province, country = (
        sizing.approval_load(lv.market_entities) for lv in sizing.LEVELS
    )
    assert county < city < province < country
    # 12 checks per entity a year, 250 days of 8 h, the busiest hour 5× the average
    assert round(sizing.approval_load(15_000_000)) == 125
