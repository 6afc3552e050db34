"""The README's examples are all marked, and the comparison of answers can fail."""

import pytest

from tests.readme_examples import Ids, Mismatch, compare, examples, unmarked

README = """
<!-- example roles=approval purpose=审查 -->
```graphql
{ organization(uscc: "X") { id name } }
```

```json
{"data": {"organization": {"id": "9287b16c-528b-4db7-aaaf-d4fc923f448d", "name": "甲"}}}
```

<!-- not an example: set-up -->
```sh
make demo
```

```sh
curl -s localhost:8000/graphql
```
"""


def test_every_request_block_of_the_readme_says_what_it_is() -> None:
    assert unmarked() == []
    assert len(examples()) >= 10 and all(
        e.answer is not None for e in examples() if "federation" not in e.options
    )


def test_examples_are_found_with_their_options_and_answers() -> None:
    [example] = examples(README)
    assert example.language == "graphql" and example.options == {
        "roles": "approval",
        "purpose": "审查",
    }
    assert example.answer["data"]["organization"]["name"] == "甲"
    assert [b.text for b in unmarked(README)] == ["curl -s localhost:8000/graphql\n"]


def test_answers_compare_with_dates_masked_and_ids_bound() -> None:
    ids = Ids()
    readme = {
        "id": "9287b16c-528b-4db7-aaaf-d4fc923f448d",
        "validUntil": "2027-12-05",
        "at": "2026-11-25T07:47:37.787760+00:00",
        "n": 3,
    }
    actual = {
        "id": "11111111-2222-3333-4444-555555555555",
        "validUntil": "2027-12-10",
        "at": "2026-11-30T01:02:03.4+00:00",
        "n": 3,
    }
    compare(readme, actual, ids)
    assert ids.apply("--subject-id 9287b16c-528b-4db7-aaaf-d4fc923f448d") == (
        "--subject-id 11111111-2222-3333-4444-555555555555"
    )
    with pytest.raises(Mismatch, match=r"\$\.id"):  # a bound id must stay what it was bound to
        compare(readme, {**actual, "id": "66666666-2222-3333-4444-555555555555"}, ids)


@pytest.mark.parametrize(
    "actual",
    [
        {"name": "乙", "entries": [1, 2]},  # another value
        {"name": "甲", "entries": [2, 1]},  # another order
        {"name": "甲", "entries": [1]},  # an item missing
        {"name": "甲", "entries": [1, 2], "extra": True},  # another key
        {"name": "甲", "entries": ["1", 2]},  # another type
    ],
)
def test_any_other_difference_is_a_mismatch(actual: dict[str, object]) -> None:
    with pytest.raises(Mismatch):
        compare({"name": "甲", "entries": [1, 2]}, actual, Ids())


def test_excerpts_and_unordered_lists() -> None:
    compare({"rows": [1, 3]}, {"rows": [1, 2, 3]}, Ids(), excerpt=True)
    with pytest.raises(Mismatch):
        compare({"rows": [3, 1]}, {"rows": [1, 2, 3]}, Ids(), excerpt=True)
    compare({"rows": [3, 1, 2]}, {"rows": [1, 2, 3]}, Ids(), unordered=True)
    with pytest.raises(Mismatch):
        compare({"rows": [3, 1, 1]}, {"rows": [1, 2, 3]}, Ids(), unordered=True)
