"""``make bench``: every benchmark, a table of figures, and bench-results.json.

    .venv/bin/python -m benchmarks            # full sizes (1,000,000-event histories)
    .venv/bin/python -m benchmarks --quick    # small sizes, a few minutes
    .venv/bin/python -m benchmarks projector  # only these (names below), e.g. the real
                                              # read models' rebuild, lag and memory

Each figure is measured side by side with its baseline in the same run, on one embedded
PostgreSQL (or the server of ROADLOG_BENCH_DATABASE_URL); the ratio is value / baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from uuid import uuid4

from rich.console import Console
from rich.table import Table

from backend.application import Caller
from backend.database import DatabaseTarget
from backend.embedded import start_embedded_server, stop_embedded_server
from benchmarks import (
    board_bench,
    digest_bench,
    history_bench,
    import_bench,
    mutations_bench,
    projector_bench,
    roadmap_bench,
)
from benchmarks.figures import Figure, meets, with_before
from benchmarks.story import roadmap_story, team_load
from projections.catalog import READ_MODELS

RESULTS = Path("bench-results.json")

Bench = Callable[[DatabaseTarget, bool, Callable[[str], None]], list[Figure]]

BENCHES: dict[str, Bench] = {
    "mutations": lambda server, quick, say: mutations_bench.run(
        5.0 if quick else 15.0, server=server, say=say
    ),
    # The real read models over a realistic story, at sizes a run can afford (~600 events/s
    # at 100,000).
    "projector": lambda server, quick, say: projector_bench.run(
        20_000 if quick else 100_000,
        lag_seconds=5.0 if quick else 20.0,
        read_models=READ_MODELS,
        history=roadmap_story,
        load=partial(team_load, caller=Caller(workspace_id=uuid4(), actor="bench")),
        interleave=4,
        server=server,
        say=say,
    ),
    # The engine alone (light models) for the memory of a 1,000,000-event rebuild, which
    # with the real models would take most of an hour.
    "engine": lambda server, quick, say: projector_bench.run(
        100_000 if quick else 1_000_000,
        lag_seconds=0,
        label="engine (light models): ",
        server=server,
        say=say,
    ),
    "roadmap": lambda server, quick, say: roadmap_bench.run(quick=quick, server=server, say=say),
    "digest": lambda server, quick, say: digest_bench.run(quick=quick, server=server, say=say),
    "import": lambda server, quick, say: import_bench.run(server=server, say=say),
    "history": lambda server, quick, say: history_bench.run(server=server, say=say),
    "board": lambda server, quick, say: board_bench.run(quick=quick, server=server, say=say),
}


def table(figures: list[Figure]) -> Table:
    """The figures, with a column of those of an earlier release where one was recorded."""
    view = Table("figure", "value", "baseline", "ratio", "target", "met", title="roadlog bench")
    releases = sorted({item["before"]["release"] for item in figures if "before" in item})
    if releases:
        view.add_column("before: value")
        view.add_column("ratio")
        view.caption = "before: " + ", ".join(releases)
    for item in figures:
        met = meets(item)
        row = [
            item["name"],
            f"{item['value']:,.2f} {item['unit']}",
            "" if item["baseline"] is None else f"{item['baseline']:,.2f} {item['unit']}",
            "" if item["ratio"] is None else f"{item['ratio']:.2f}",
            item["target"],
            {True: "yes", False: "NO", None: ""}[met],
        ]
        if releases:
            before = item.get("before")
            row += (
                ["", ""]
                if before is None
                else [
                    f"{before['value']:,.2f} {item['unit']}",
                    "" if before["ratio"] is None else f"{before['ratio']:.2f}",
                ]
            )
        view.add_row(*row)
    return view


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a quick look")
    parser.add_argument("only", nargs="*", help=f"benchmarks to run: {', '.join(BENCHES)}")
    options = parser.parse_args()
    unknown = set(options.only) - set(BENCHES)
    if unknown:
        parser.error(f"unknown benchmarks {sorted(unknown)}; known: {', '.join(BENCHES)}")
    console = Console(stderr=True)
    started = time.monotonic()

    def say(message: str) -> None:
        console.print(f"[{time.monotonic() - started:7.1f}s] {message}")

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="roadlog-bench-") as scratch:
        url = os.environ.get("ROADLOG_BENCH_DATABASE_URL")
        pgdata = Path(scratch) / "pgdata"
        server = DatabaseTarget.from_url(url) if url else start_embedded_server(pgdata)
        try:
            for name, bench in BENCHES.items():
                if options.only and name not in options.only:
                    continue
                say(f"{name} benchmark")
                figures += bench(server, options.quick, say)
        finally:
            if not url:
                stop_embedded_server(pgdata)
    figures = with_before(figures)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    # Wide enough for a row per figure when the output goes to a file (rich assumes 80).
    Console(width=None if sys.stdout.isatty() else 200).print(table(figures))
    print(f"wrote {RESULTS}", file=sys.stderr)


if __name__ == "__main__":
    main()
