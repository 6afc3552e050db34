"""实施办法 第四条 as a pure rule: which black entry ends a red one, whatever the order."""

from __future__ import annotations

import datetime as dt
import itertools

from graph_schema.rules.red_black import Dated, ending_black

D = dt.date


def test_the_earliest_black_recognised_while_the_red_was_in_force_ends_it() -> None:
    red = Dated("r", D(2024, 1, 1), D(2026, 1, 1))
    before = Dated("b0", D(2023, 12, 31))
    first = Dated("b1", D(2024, 6, 1))
    later = Dated("b2", D(2025, 6, 1))
    after_validity = Dated("b3", D(2026, 1, 2))
    for blacks in itertools.permutations([before, first, later, after_validity]):
        assert ending_black(red, blacks) == first


def test_boundaries_are_inclusive_and_ties_go_to_the_smaller_key() -> None:
    red = Dated("r", D(2024, 1, 1), D(2025, 1, 1))
    assert ending_black(red, [Dated("b", D(2024, 1, 1))]) is not None
    assert ending_black(red, [Dated("b", D(2025, 1, 1))]) is not None
    assert ending_black(red, [Dated("b", D(2025, 1, 2))]) is None
    tie = [Dated("z", D(2024, 3, 1)), Dated("a", D(2024, 3, 1))]
    winner = ending_black(red, tie)
    assert winner is not None and winner.key == "a"
    assert ending_black(Dated("r", D(2024, 1, 1)), [Dated("b", D(2040, 1, 1))]) is not None
