"""Projector benchmark: rebuild throughput, write-to-visible lag, rebuild memory.

Measured side by side in one run, on a fresh database:

- rebuild throughput (events/s) of ``projections.rebuild`` against eventsourcing's own
  ``ProjectionRunner`` with a ``Projection`` doing the same writes (the same handlers'
  statements), one psycopg transaction per event with the library's tracking recorder;
  target: at least 10 times the baseline. The baseline runs over the first events only
  (at ~1,000 events/s a million would take a quarter of an hour), so the engine is
  reported at N/10 (closest in table sizes) and at N (bigger tables, slower writes). The
  baseline and the N/10 rebuild alternate for ``ROUNDS`` rounds and each figure takes the
  median: the baseline commits every event, so its rate follows the disk's fsync times,
  which drift from one minute to the next;
- write-to-visible lag under a steady load (default 100 events/s): from ``app.save``
  returning to the watcher of the process seeing the position; target: p99 < 50 ms;
- peak memory (RSS of the process, sampled during the rebuild) at N/10 (its last round)
  and N events; target: flat (the growth over the rebuild is printed too);
- statements per event: the lines of the batches a rebuild of N/10 events composes (what
  it sends to PostgreSQL, facts in bulk), next to the statements the handlers return, which
  the baseline sends one by one; the few statements of each batch's own (tracking, locks)
  and the baseline's tracking row per event are not counted;
- CPU time per event of the baseline and of the N/10 rebuild, in this process and in the
  PostgreSQL server (when it runs on this machine): no target, but it says what the
  throughput ratio is made of. The baseline works one event at a time: its client, then
  the server, then the commit's flush, in turn. A rebuild keeps both busy side by side
  and barely waits for the disk. So the ratio depends on the machine's cores and disk;
  CPU per event does not, and says what each way costs where CPU is what runs out.

The read models and the history are parameters, so the real read models can be measured
once they exist: ``run(read_models=..., history=...)`` where ``history()`` returns the
events of one aggregate's life, copied under fresh ids until the log holds N events, the
lives of ``interleave`` aggregates at a time interleaved as in a real log.

    .venv/bin/python -m benchmarks.projector_bench --events 20000 --lag-seconds 3
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from statistics import median
from typing import Any, ClassVar

import asyncpg
import psutil
import psycopg
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner

from backend.application import Roadlog
from backend.bootstrap import prepare_database
from backend.database import DatabaseTarget
from backend.embedded import start_embedded_server
from backend.eventstore import open_event_store
from backend.migrations import apply_into, migrate
from benchmarks.figures import Figure, figure
from projections.batch import Destination, quote_ident, read_batch, render
from projections.projector import Projector
from projections.read_model import ReadModel, Statement, alone
from projections.rebuild import rebuild
from projections.watcher import ProjectionWatcher

History = Callable[[], Sequence[Any]]
Load = Callable[[Roadlog], int]
"""Records one change of the steady load; returns its position in the log."""


def tally_load(app: Roadlog) -> int:
    """One toy event of steady load."""
    return app.save(Tally("load", "bench"))[-1].notification.id


class Tally(Aggregate):
    """The benchmark's aggregate: opened, then counted many times."""

    class Opened(Aggregate.Created):
        title: str
        owner: str

    class Counted(Aggregate.Event):
        amount: int
        note: str

    @event(Opened)
    def __init__(self, title: str, owner: str) -> None:
        self.title = title
        self.owner = owner
        self.total = 0

    @event(Counted)
    def count(self, amount: int, note: str) -> None:
        self.total += amount


SUMMARY_SQL = """
    CREATE TABLE tallies (
        tally_id       uuid PRIMARY KEY,
        title          text NOT NULL,
        owner          text NOT NULL,
        events         integer NOT NULL,
        total          bigint NOT NULL,
        last_position  bigint NOT NULL,
        opened_at      timestamptz NOT NULL,
        updated_at     timestamptz NOT NULL
    );
    CREATE INDEX tallies_owner ON tallies (owner, title);
"""

TIMELINE_SQL = """
    CREATE TABLE entries (
        position       bigint PRIMARY KEY,
        tally_id       uuid NOT NULL,
        version        integer NOT NULL,
        kind           text NOT NULL,
        recorded_at    timestamptz NOT NULL,
        details        jsonb NOT NULL
    );
    CREATE INDEX entries_tally ON entries (tally_id, position);
"""

OPEN_TALLY = """
    INSERT INTO {schema}.tallies
        (tally_id, title, owner, events, total, last_position, opened_at, updated_at)
    VALUES ($1, $2, $3, 1, 0, $4, $5, $5)
"""

COUNT_TALLY = """
    UPDATE {schema}.tallies
    SET events = events + 1, total = total + $2, last_position = $3, updated_at = $4
    WHERE tally_id = $1
"""

ADD_ENTRY = """
    INSERT INTO {schema}.entries (position, tally_id, version, kind, recorded_at, details)
    VALUES ($1, $2, $3, $4, $5, $6::jsonb)
"""


def opened(e: Tally.Opened, position: int) -> list[Statement]:
    return [Statement(OPEN_TALLY, (e.originator_id, e.title, e.owner, position, e.timestamp))]


def counted(e: Tally.Counted, position: int) -> list[Statement]:
    return [Statement(COUNT_TALLY, (e.originator_id, e.amount, position, e.timestamp))]


def entry(e: Tally.Opened | Tally.Counted, position: int) -> list[Statement]:
    details = json.dumps({key: value for key, value in vars(e).items() if key in FIELDS})
    kind = type(e).__name__
    args = (position, e.originator_id, e.originator_version, kind, e.timestamp, details)
    return [Statement(ADD_ENTRY, args)]


FIELDS = {"title", "owner", "amount", "note"}


def bench_models(migrations: Path) -> list[ReadModel]:
    """Two toy-but-realistic read models: an upserted summary and an append-only timeline."""
    for name, text in (("bench_summary", SUMMARY_SQL), ("bench_timeline", TIMELINE_SQL)):
        (migrations / name).mkdir(parents=True, exist_ok=True)
        (migrations / name / "0001_tables.sql").write_text(text)
    return [
        ReadModel(
            "bench_summary",
            {Tally.Opened: opened, Tally.Counted: counted},
            migrations_dir=migrations / "bench_summary",
        ),
        ReadModel(
            "bench_timeline",
            {Tally.Opened: entry, Tally.Counted: entry},
            migrations_dir=migrations / "bench_timeline",
        ),
    ]


def tally_history() -> Sequence[Any]:
    """One tally's life: opened, then counted 99 times (100 events)."""
    tally = Tally("quarterly planning", "sre")
    for amount in range(99):
        tally.count(amount, f"check-in {amount}")
    return tally.collect_events()


# --- the log -------------------------------------------------------------------------


UUID_HEX = re.compile(rb"[0-9a-f]{32}")


def hex_of(originator_id: uuid.UUID | str) -> bytes:
    """An originator id as it appears in stored payloads (32 hex digits)."""
    return uuid.UUID(str(originator_id)).hex.encode()


def renamed(fresh: dict[bytes, bytes], found: re.Match[bytes]) -> bytes:
    """A uuid of the story as it is in this copy (other hex runs stay as they are)."""
    return fresh.get(found[0], found[0])


def append_copies(
    app: Roadlog, target: DatabaseTarget, history: History, events: int, interleave: int
) -> int:
    """Append ``events`` events: copies of ``history()`` under fresh ids (COPY, fast).

    A history may be one aggregate's life or a whole story of many aggregates that refer to
    each other (a workspace, its roadmap, initiatives, decisions): every uuid of the story,
    in the originator ids and inside the payloads, gets a fresh one per copy, so each copy
    is a consistent story of its own. The copies of ``interleave`` stories at a time are
    interleaved event by event, as the many aggregates of a real log are.
    """
    stored = [app.mapper.to_stored_event(domain_event) for domain_event in history()]
    story_ids = {hex_of(template.originator_id) for template in stored}
    for template in stored:
        story_ids.update(UUID_HEX.findall(template.state))
    copy_sql = (
        "COPY public.roadlog_events (originator_id, originator_version, topic, state) FROM STDIN"
    )
    with psycopg.connect(target.url) as conn, conn.cursor() as cursor:
        with cursor.copy(copy_sql) as copy:
            written = 0
            while written < events:
                group = [
                    {old: uuid.uuid4().hex.encode() for old in story_ids} for _ in range(interleave)
                ]
                for template in stored:
                    for fresh in group[: events - written]:
                        state = UUID_HEX.sub(partial(renamed, fresh), template.state)
                        originator = uuid.UUID(fresh[hex_of(template.originator_id)].decode())
                        row = (originator, template.originator_version, template.topic, state)
                        copy.write_row(row)
                    written += min(len(group), events - written)
                    if written == events:
                        break
        conn.commit()
    return app.recorder.max_notification_id() or 0


# --- CPU time ------------------------------------------------------------------------

LOCAL_SERVER = """
    SELECT pg_backend_pid(),
           inet_server_addr() IS NULL OR host(inet_server_addr()) IN ('127.0.0.1', '::1')
"""


READ_ATTEMPTS = 200
"""Tries (10 ms apart) to read the server's CPU time while no backend is being reaped."""


@dataclass(frozen=True)
class CpuClock:
    """CPU seconds spent by this process and by the PostgreSQL server, if it is local.

    The server's time is its postmaster's, its live children's, and that of the children
    it has reaped (backends that closed), so connections opened and closed in between are
    counted too.
    """

    postmaster: psutil.Process | None

    @classmethod
    async def of(cls, target: DatabaseTarget) -> CpuClock:
        conn = await asyncpg.connect(**target.asyncpg_kwargs())
        try:
            backend_pid, local = await conn.fetchrow(LOCAL_SERVER) or (0, False)
            # While the connection is open: its backend exits once it is closed.
            postmaster = psutil.Process(backend_pid).parent() if local else None
            if postmaster is not None and not postmaster.name().startswith("postgres"):
                postmaster = None
        except psutil.Error:
            postmaster = None
        finally:
            await conn.close()
        return cls(postmaster)

    def read(self) -> tuple[float, float | None]:
        """(this process's CPU seconds, the server's CPU seconds or None)."""
        mine = psutil.Process().cpu_times()
        return mine.user + mine.system, self._server()

    def _server(self) -> float | None:
        """The server's CPU seconds, read when no backend is between its exit and its reaping
        (a closed connection's time is then neither its own nor yet the postmaster's)."""
        if self.postmaster is None:
            return None
        for _attempt in range(READ_ATTEMPTS):
            with contextlib.suppress(psutil.NoSuchProcess):
                before = self._reaped()
                live = [child.cpu_times() for child in self._settled_children()]
                if self._reaped() == before:
                    return before + sum(times.user + times.system for times in live)
            time.sleep(0.01)
        return None

    def _reaped(self) -> float:
        """The postmaster's own CPU seconds and those of the children it has reaped."""
        assert self.postmaster is not None
        own = self.postmaster.cpu_times()
        return own.user + own.system + own.children_user + own.children_system

    def _settled_children(self) -> list[psutil.Process]:
        """The postmaster's children; NoSuchProcess if one is a zombie (about to be reaped)."""
        assert self.postmaster is not None
        children = self.postmaster.children()
        for child in children:
            if child.status() == psutil.STATUS_ZOMBIE:
                raise psutil.NoSuchProcess(child.pid)
        return children


@dataclass(frozen=True)
class CpuPerEvent:
    """Microseconds of CPU per event: in this process, in the server (None if unknown)."""

    client: float
    server: float | None

    @classmethod
    def between(
        cls, start: tuple[float, float | None], end: tuple[float, float | None], events: int
    ) -> CpuPerEvent:
        server = None if start[1] is None or end[1] is None else end[1] - start[1]
        return cls(
            (end[0] - start[0]) * 1e6 / events,
            None if server is None else server * 1e6 / events,
        )

    def __str__(self) -> str:
        server = "?" if self.server is None else f"{self.server:,.0f}"
        return f"CPU {self.client:,.0f} µs/event here, {server} in PostgreSQL"


def median_cpu(samples: Sequence[CpuPerEvent]) -> CpuPerEvent:
    servers = [sample.server for sample in samples if sample.server is not None]
    return CpuPerEvent(
        median(sample.client for sample in samples),
        median(servers) if len(servers) == len(samples) else None,
    )


# --- the baseline: eventsourcing's ProjectionRunner, one transaction per event --------

ROUNDS = 3
"""Alternating rounds of the baseline and the N/10 rebuild; their figures are medians."""


PARAMETER = re.compile(r"\$(\d+)")
PARAMETER_NAMES = tuple(f"p{n}" for n in range(1, 101))
"""psycopg's names of the parameters ``$1``..``$100``."""


@lru_cache(maxsize=4096)
def baseline_query(sql: str, schema: str) -> bytes:
    """A handler's statement for ``schema`` with its ``$n`` parameters as psycopg's
    ``%(pn)s``; converted once per statement text, as a hand-written projection would."""
    text = render(sql, schema).replace("%", "%%")
    return PARAMETER.sub(lambda match: f"%(p{match.group(1)})s", text).encode()


class BaselineView(PostgresTrackingRecorder):
    """Applies the read models' statements and the tracking row, one event per transaction."""

    read_models: ClassVar[Sequence[ReadModel]] = ()

    def apply(self, domain_event: Any, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for model in self.read_models:
                schema = model.name + "__baseline"
                for item in model.statements(domain_event, tracking.notification_id):
                    statement = alone(item)
                    params = dict(zip(PARAMETER_NAMES, statement.args, strict=False))
                    cursor.execute(baseline_query(statement.sql, schema), params)
            self._insert_tracking(cursor, tracking)


class BaselineProjection(Projection[BaselineView]):
    """The library's way: a Projection whose view does the writes."""

    name = "bench_baseline"

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.apply(domain_event, tracking)


POLL_SECONDS = 0.01
"""How often the baseline's position is read while it is measured."""


def baseline_rate(
    target: DatabaseTarget, read_models: Sequence[ReadModel], events: int, clock: CpuClock
) -> tuple[float, CpuPerEvent]:
    """Events per second and CPU per event of ProjectionRunner over about ``events`` events,
    after a warm-up.

    The events counted are those between the positions seen at the start and at the end,
    both read every POLL_SECONDS: the runner's own ``wait`` backs off to 800 ms between
    looks, which would overshoot both ends of a few seconds' window by up to that much.
    The CPU time includes those reads (a few percent of the baseline's).
    """
    BaselineView.read_models = read_models
    env = target.eventsourcing_env(pool_size=2)
    env["CREATE_TABLE"] = "y"
    warmup = 100
    with ProjectionRunner(
        application_class=Roadlog,
        projection_class=BaselineProjection,
        view_class=BaselineView,
        env=env,
    ) as runner:
        first, started = reached(runner, warmup)
        cpu_started = clock.read()
        last, finished = reached(runner, warmup + events)
        cpu = CpuPerEvent.between(cpu_started, clock.read(), last - first)
    return (last - first) / (finished - started), cpu


def reached(
    runner: ProjectionRunner[Roadlog, BaselineView], position: int, timeout: float = 600
) -> tuple[int, float]:
    """The baseline's position once it is at or past ``position``, and when it was seen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if runner.is_interrupted.is_set():
            runner.wait(position)  # raises the error that stopped the runner
        seen = runner.view.max_tracking_id(runner.app_name) or 0
        if seen >= position:
            return seen, time.perf_counter()
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"the baseline did not reach position {position} in {timeout:g}s")


# --- statements per event -----------------------------------------------------------


@dataclass(frozen=True)
class StatementsPerEvent:
    """What the read models write per event: in a rebuild's batches, and one by one."""

    batched: float
    """Lines of the scripts a rebuild's batches compose (one per statement sent)."""
    handled: float
    """Statements and facts the handlers return (the baseline sends each on its own)."""


def statements_per_event(
    app: Roadlog, read_models: Sequence[ReadModel], batch_size: int
) -> StatementsPerEvent:
    """Compose the whole log in batches, as a rebuild does, and count (blocking: run in a
    thread). Nothing is written: the count is the same whether or not the rebuild runs it."""
    destinations = [Destination.rebuild(model) for model in read_models]
    positions = {destination.tracking_name: 0 for destination in destinations}
    events = lines = handled = 0
    while True:
        batch = read_batch(app, destinations, positions, batch_size)
        events += len(batch.events)
        lines += len(batch.script.lines)
        handled += sum(
            len(model.statements(logged.event, logged.position))
            for logged in batch.events
            for model in read_models
        )
        if not batch.full:
            break
        positions = batch.after
    assert events, "no events to count statements over"
    return StatementsPerEvent(lines / events, handled / events)


# --- the engine ----------------------------------------------------------------------


@contextlib.contextmanager
def peak_rss() -> Iterator[list[float]]:
    """Sample this process's RSS while the block runs; yields [start, peak] in MB at exit."""
    process = psutil.Process()
    start = process.memory_info().rss
    peak = start
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.005):
            peak = max(peak, process.memory_info().rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    result: list[float] = []
    try:
        yield result
    finally:
        done.set()
        sampler.join()
        result += [start / 2**20, peak / 2**20]


@dataclass(frozen=True)
class Rebuilt:
    """What one measured rebuild of the whole log took."""

    rate: float
    """Events per second."""
    peak_rss: float
    """MB."""
    cpu: CpuPerEvent


async def measured_rebuild(
    app: Roadlog,
    target: DatabaseTarget,
    read_models: Sequence[ReadModel],
    batch_size: int,
    clock: CpuClock,
    say: Callable[[str], None],
) -> Rebuilt:
    """Rate, peak RSS and CPU per event of a rebuild of the whole log."""
    events = await asyncio.to_thread(app.recorder.max_notification_id) or 0
    with peak_rss() as memory:
        cpu_started = clock.read()
        started = time.perf_counter()
        await rebuild(app, target, read_models, batch_size=batch_size)
        elapsed = time.perf_counter() - started
        cpu = CpuPerEvent.between(cpu_started, clock.read(), events)
    start, peak = memory
    rate = events / elapsed
    say(f"rebuilt {events:,} events: {rate:,.0f}/s, {cpu}, RSS {start:.1f} -> peak {peak:.1f} MB")
    return Rebuilt(rate, peak, cpu)


async def lag_under_load(
    app: Roadlog,
    target: DatabaseTarget,
    read_models: Sequence[ReadModel],
    *,
    rate: float,
    seconds: float,
    load: Load,
) -> list[float]:
    """Write-to-visible lags (ms) of events saved at ``rate`` per second for ``seconds``."""
    async with asyncpg.create_pool(**target.asyncpg_kwargs(), min_size=2, max_size=4) as pool:
        watcher = ProjectionWatcher(target, pool, read_models)
        projector = Projector(app, target, read_models)
        tasks = [asyncio.create_task(watcher.run()), asyncio.create_task(projector.run())]
        try:
            head = await asyncio.to_thread(app.recorder.max_notification_id) or 0
            await watcher.wait_for(head, timeout=60)
            lags: list[float] = []

            def save_one() -> tuple[int, float]:
                return load(app), time.perf_counter()

            async def one() -> None:
                position, saved = await asyncio.to_thread(save_one)
                await watcher.wait_for(position, timeout=10)
                lags.append((time.perf_counter() - saved) * 1000)

            started = time.perf_counter()
            writes = []
            for index in range(int(rate * seconds)):
                await asyncio.sleep(max(0.0, started + index / rate - time.perf_counter()))
                writes.append(asyncio.create_task(one()))
            await asyncio.gather(*writes)
            return lags
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# --- the run -------------------------------------------------------------------------


async def _create_database(server: DatabaseTarget) -> DatabaseTarget:
    name = f"roadlog_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(**server.asyncpg_kwargs())
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return server.with_dbname(name)


async def _drop_database(server: DatabaseTarget, target: DatabaseTarget) -> None:
    conn = await asyncpg.connect(**server.asyncpg_kwargs())
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{target.dbname}" WITH (FORCE)')
    finally:
        await conn.close()


async def _prepare(target: DatabaseTarget, read_models: Sequence[ReadModel]) -> None:
    await prepare_database(target, [])
    conn = await asyncpg.connect(**target.asyncpg_kwargs())
    try:
        await migrate(conn, [model.migrations for model in read_models])
    finally:
        await conn.close()


async def _reset_baseline(target: DatabaseTarget, read_models: Sequence[ReadModel]) -> None:
    """Empty ``<name>__baseline`` schemas and no baseline tracking: its next run starts at 0."""
    conn = await asyncpg.connect(**target.asyncpg_kwargs())
    try:
        async with conn.transaction():
            await conn.execute(f"DROP TABLE IF EXISTS {BaselineProjection.name}_tracking")
            for model in read_models:
                schema = model.name + "__baseline"
                await conn.execute(f"DROP SCHEMA IF EXISTS {quote_ident(schema)} CASCADE")
                for migration in model.migrations.migrations():
                    await apply_into(conn, schema, migration)
    finally:
        await conn.close()


async def _measure(
    target: DatabaseTarget,
    read_models: Sequence[ReadModel],
    history: History,
    *,
    events: int,
    baseline_events: int,
    lag_seconds: float,
    rate: float,
    batch_size: int,
    interleave: int,
    load: Load,
    label: str,
    say: Callable[[str], None],
) -> list[Figure]:
    await _prepare(target, read_models)
    app = await asyncio.to_thread(open_event_store, target, pool_size=4, create_tables=False)
    clock = await CpuClock.of(target)
    try:
        small = max(events // 10, baseline_events + 100)
        events = max(events, small)
        warmup = min(10_000, small)
        say(f"appending {warmup} events; warm-up rebuild")
        await asyncio.to_thread(append_copies, app, target, history, warmup, interleave)
        await measured_rebuild(app, target, read_models, batch_size, clock, say)
        say(f"appending up to {small} events")
        await asyncio.to_thread(append_copies, app, target, history, small - warmup, interleave)
        written = await asyncio.to_thread(statements_per_event, app, read_models, batch_size)
        say(
            f"statements per event: {written.batched:.2f} in batches, "
            f"{written.handled:.2f} one by one"
        )
        baseline, baseline_cpu, rebuilds = await _rounds(
            app, target, read_models, baseline_events, batch_size, clock, say
        )
        small_rate = median(rebuilt.rate for rebuilt in rebuilds)
        small_cpu = median_cpu([rebuilt.cpu for rebuilt in rebuilds])
        say(f"medians: baseline {baseline:,.0f}, rebuild {small_rate:,.0f} events/s")
        say(f"appending up to {events} events; rebuild of {events}")
        await asyncio.to_thread(append_copies, app, target, history, events - small, interleave)
        large = await measured_rebuild(app, target, read_models, batch_size, clock, say)
        lags: list[float] = []
        if lag_seconds > 0:
            say(f"lag at {rate:g} events/s for {lag_seconds:g}s")
            lags = await lag_under_load(
                app, target, read_models, rate=rate, seconds=lag_seconds, load=load
            )
    finally:
        app.close()
    lag_figures = (
        [
            figure("write-to-visible lag p50", round(percentile(lags, 0.50), 2), "ms", None, ""),
            figure(
                "write-to-visible lag p99", round(percentile(lags, 0.99), 2), "ms", None, "< 50"
            ),
        ]
        if lags
        else []
    )
    return [
        figure(
            f"{label}rebuild throughput, {small:,} events",
            round(small_rate),
            "events/s",
            round(baseline),
            ">= 10",
        ),
        figure(
            f"{label}rebuild throughput, {events:,} events",
            round(large.rate),
            "events/s",
            round(baseline),
            ">= 10",
        ),
        *cpu_figures(f"{label}rebuild CPU per event, {small:,} events", small_cpu, baseline_cpu),
        figure(
            f"{label}rebuild statements per event, {small:,} events",
            round(written.batched, 2),
            "statements/event",
            round(written.handled, 2),
            "",
        ),
        *lag_figures,
        figure(
            f"{label}rebuild peak RSS, {events:,} events (baseline: {small:,})",
            round(large.peak_rss, 1),
            "MB",
            round(rebuilds[-1].peak_rss, 1),
            "<= 1.1",
        ),
    ]


async def _rounds(
    app: Roadlog,
    target: DatabaseTarget,
    read_models: Sequence[ReadModel],
    baseline_events: int,
    batch_size: int,
    clock: CpuClock,
    say: Callable[[str], None],
) -> tuple[float, CpuPerEvent, list[Rebuilt]]:
    """ROUNDS alternating baseline runs and rebuilds of the whole log: the baseline's median
    rate and CPU per event, and the rebuilds."""
    rates: list[float] = []
    cpus: list[CpuPerEvent] = []
    rebuilds: list[Rebuilt] = []
    for round_ in range(1, ROUNDS + 1):
        say(f"round {round_} of {ROUNDS}: baseline over {baseline_events}, then a rebuild")
        await _reset_baseline(target, read_models)
        rate, cpu = await asyncio.to_thread(
            baseline_rate, target, read_models, baseline_events, clock
        )
        rates.append(rate)
        cpus.append(cpu)
        say(f"baseline: {rate:,.0f} events/s, {cpu}")
        rebuilds.append(await measured_rebuild(app, target, read_models, batch_size, clock, say))
    return median(rates), median_cpu(cpus), rebuilds


def cpu_figures(name: str, rebuild: CpuPerEvent, baseline: CpuPerEvent) -> list[Figure]:
    """The rebuild's CPU per event next to the baseline's, here and in the server."""
    sides = [("roadlog", rebuild.client, baseline.client)]
    if rebuild.server is not None and baseline.server is not None:
        sides.append(("PostgreSQL", rebuild.server, baseline.server))
    return [
        figure(f"{name}, {where}", round(value), "µs/event", round(base), "")
        for where, value, base in sides
    ]


def run(
    events: int = 1_000_000,
    *,
    baseline_events: int = 3_000,
    lag_seconds: float = 10.0,
    rate: float = 100.0,
    batch_size: int = 1000,
    read_models: Sequence[ReadModel] | None = None,
    history: History = tally_history,
    load: Load = tally_load,
    interleave: int = 100,
    label: str = "",
    server: DatabaseTarget | None = None,
    say: Callable[[str], None] = lambda _message: None,
) -> list[Figure]:
    """Run the benchmark on a fresh database of ``server`` (default: an embedded one).

    ``events`` is N, the size of the big rebuild (the memory figure compares it with N/10);
    ``read_models`` default to the toy ones above, fed by ``history``. ``lag_seconds=0``
    skips the lag figures; ``label`` prefixes the figures' names.
    """
    with tempfile.TemporaryDirectory(prefix="roadlog-bench-") as scratch:
        if server is None:
            server = start_embedded_server(Path(scratch) / "pgdata")
        models = list(read_models) if read_models else bench_models(Path(scratch) / "models")

        async def main() -> list[Figure]:
            assert server is not None
            target = await _create_database(server)
            try:
                return await _measure(
                    target,
                    models,
                    history,
                    events=events,
                    baseline_events=baseline_events,
                    lag_seconds=lag_seconds,
                    rate=rate,
                    batch_size=batch_size,
                    interleave=interleave,
                    load=load,
                    label=label,
                    say=say,
                )
            finally:
                await _drop_database(server, target)

        return asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--baseline-events", type=int, default=3_000)
    parser.add_argument("--lag-seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--interleave", type=int, default=100)
    options = parser.parse_args()
    started = datetime.now()
    figures = run(
        options.events,
        baseline_events=options.baseline_events,
        lag_seconds=options.lag_seconds,
        rate=options.rate,
        batch_size=options.batch_size,
        interleave=options.interleave,
        say=lambda message: print(f"[{datetime.now() - started}] {message}", flush=True),
    )
    for item in figures:
        print(json.dumps(item))


if __name__ == "__main__":
    main()
