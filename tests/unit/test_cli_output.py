"""What the command line prints for a person: the demo's banner and progress in a log."""

import unicodedata

from gateway.ops.cli import LogProgress, demo_banner


def columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def test_the_demo_banner_fits_80_columns_and_names_every_page() -> None:
    banner = demo_banner("http://127.0.0.1:8000", ".venv/bin/credit-graph")
    assert max(columns(line) for line in banner.splitlines()) <= 80, banner
    for page in ("/graphql", "/public/graphql", "/explore", "/healthz", "/readyz"):
        assert f"http://127.0.0.1:8000{page}\n" in banner + "\n"
    # a long command breaks between words only, with a continuation at the line's end
    assert ".venv/bin/credit-graph token --sub me --roles approval \\\n    --dept " in banner


def test_progress_in_a_log_is_a_line_every_few_seconds_and_one_at_the_end() -> None:
    now = [0.0]
    lines: list[str] = []
    progress = LogProgress(every_s=5, clock=lambda: now[0], echo=lines.append)
    task = progress.add_task("roles roles.jsonl", total=10_000)
    for done in range(0, 10_001, 500):  # 500 rows a second
        now[0] = done / 500
        progress.update(task, completed=done)
    progress.update(task, completed=10_000)  # the end, told twice, said once
    assert lines[0] == "roles roles.jsonl: started"
    assert lines[1] == "roles roles.jsonl: 2,500 of 10,000 (25%) rows, 5 s"
    assert lines[-1] == "roles roles.jsonl: 10,000 of 10,000 (100%) rows, 20 s, done"
    assert len(lines) == 1 + 20 // 5
