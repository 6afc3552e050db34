"""The synthetic generator: deterministic, valid codes, realistic structure."""

import datetime as dt
import hashlib
from pathlib import Path

import orjson
from stdnum.cn import ric, uscc

from seeds.generator import generate

TODAY = dt.date(2026, 11, 25)


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for name in sorted(p.name for p in folder.iterdir()):
        h.update((folder / name).read_bytes())
    return h.hexdigest()


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    generate(1000, 7, tmp_path / "a", TODAY)
    generate(1000, 7, tmp_path / "b", TODAY)
    generate(1000, 8, tmp_path / "c", TODAY)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a") != digest(tmp_path / "c")


def test_codes_are_valid_and_unique_and_roles_span_companies(tmp_path: Path) -> None:
    sizes = generate(2000, 1, tmp_path, TODAY)
    assert sizes.subjects == 2000 and sizes.organizations == 800 and sizes.persons == 1200
    assert sizes.black_entries == 220 and sizes.red_entries == 60
    subjects = [
        orjson.loads(line) for line in (tmp_path / "subjects.jsonl").read_bytes().splitlines()
    ]
    usccs = [s["uscc"] for s in subjects if "uscc" in s]
    ids = [s["id_number"] for s in subjects if "id_number" in s]
    assert all(uscc.is_valid(c) for c in usccs) and len(set(usccs)) == len(usccs)
    assert all(ric.is_valid(n) for n in ids) and len(set(ids)) == len(ids)
    names = [s["name"] for s in subjects if "id_number" in s]
    assert len(set(names)) < len(names)  # same-name people exist, as in life
    roles = [orjson.loads(line) for line in (tmp_path / "roles.jsonl").read_bytes().splitlines()]
    companies_per_person: dict[str, set[str]] = {}
    for r in roles:
        companies_per_person.setdefault(r["id_number"], set()).add(r["uscc"])
    assert max(len(c) for c in companies_per_person.values()) >= 3
    heads = [r for r in roles if r["role"] in ("LEGAL_REPRESENTATIVE", "PRINCIPAL_RESPONSIBLE")]
    assert any("end" in r for r in heads)  # legal representatives change over time
    assert set(companies_per_person) <= set(ids)


def test_the_streamed_generator_writes_what_it_always_wrote(tmp_path: Path) -> None:
    """Seed 7 at 1,000 subjects, byte for byte as written before rows were streamed
    (the same distributions: the same random draws in the same order)."""
    generate(1000, 7, tmp_path, TODAY)
    assert digest(tmp_path) == "70990e9762661591a193f7b9825b158f0dd6648d04a8da78632f45b025ea6bff"


def test_memory_grows_by_bytes_per_subject_not_by_python_objects(tmp_path: Path) -> None:
    """What later rows refer to is kept in flat arrays: about 12 bytes a subject (8 per
    person, 18 per organisation), where lists and sets of strings took over 150."""
    import tracemalloc

    generate(500, 3, tmp_path / "warm-up", TODAY)  # module-level caches (stdnum's tables)
    peaks = []
    for n in (10_000, 20_000):
        tracemalloc.start()
        generate(n, 3, tmp_path / str(n), TODAY)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] - peaks[0] < 10_000 * 40


DATE_FIELDS = (
    "established_on",
    "start",
    "end",
    "recognised_on",
    "act_on",
    "valid_until",
    "recorded_on",
)


def _rows(folder: Path, name: str) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in (folder / f"{name}.jsonl").read_bytes().splitlines()]


def test_another_day_gives_the_same_graph_with_dates_shifted(tmp_path: Path) -> None:
    """Codes, names, roles, entries and who holds them depend on (size, seed) only; every
    date moves by the days between the two load days, document numbers by their year."""
    later = TODAY + dt.timedelta(days=400)
    generate(2000, 2018, tmp_path / "a", TODAY)
    generate(2000, 2018, tmp_path / "b", later)
    shift = later - TODAY
    moved = 0
    for name in ("subjects", "roles", "entries", "records"):
        a, b = _rows(tmp_path / "a", name), _rows(tmp_path / "b", name)
        assert len(a) == len(b) > 0
        for row_a, row_b in zip(a, b, strict=True):
            assert row_a.keys() == row_b.keys()
            for key, value in row_a.items():
                if key in DATE_FIELDS:
                    day = dt.date.fromisoformat(str(value))
                    assert dt.date.fromisoformat(str(row_b[key])) == day + shift
                    moved += 1
                elif key == "document_number":
                    year = dt.date.fromisoformat(str(row_a["recognised_on"])).year
                    later_year = dt.date.fromisoformat(str(row_b["recognised_on"])).year
                    assert row_b[key] == str(value).replace(f"〔{year}〕", f"〔{later_year}〕")
                else:
                    assert row_b[key] == value, (name, key)
    assert moved > 2000
    # Nothing lies after the day the data is generated for: the importer refuses the future.
    for name, field in (
        ("subjects", "established_on"),
        ("roles", "start"),
        ("entries", "recognised_on"),
        ("records", "recorded_on"),
    ):
        days = [str(r[field]) for r in _rows(tmp_path / "b", name) if field in r]
        assert days and max(days) <= later.isoformat()
