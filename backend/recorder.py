"""The event log's recorder: a command's events go in with one statement.

eventsourcing's PostgreSQL recorder keeps the notification log gapless for readers by
taking ``LOCK TABLE ... IN EXCLUSIVE MODE`` in the inserting transaction, so that
transactions commit in the order they drew notification ids. By default it does so in a
client-side transaction: BEGIN, lock and INSERT in one pipeline, then the client reads
the ids and sends COMMIT. The table lock is held across that round trip, and in the API
process the thread holding it must first win the GIL back from the event loop. Every
other writer, of any workspace, waits behind that.

``OrderedInsertRecorder`` does the same work in one server-side function, which the
library calls in autocommit when ``POSTGRES_ENABLE_DB_FUNCTIONS`` is on: lock, NOTIFY,
INSERT ... RETURNING, commit. The lock is held only while PostgreSQL works, never while
Python does. The ordering guarantee is the library's: the function takes the same lock
before the INSERT draws any id. (The library's own function for that setting does not
take the lock, so this one replaces it.)

It also retries an insert whose connection failed, as the library does, but knows what a
lost acknowledgement means. When the connection dies after PostgreSQL committed but
before the client heard so, the retry finds its own events already there (a unique
violation). The library would raise IntegrityError, and the command would run again on
fresh state, recording the change twice (a second estimate, a second team). Here the
retry compares what is stored with what it sent, and when every event is the same, the
first attempt is the one that counted.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

INSERT_FUNCTION = "roadlog_insert_events"

INSERT_ATTEMPTS = 10
RETRY_SECONDS = 0.2
"""The library's own retry policy for its recorder's methods."""

_library_insert = inspect.unwrap(PostgresApplicationRecorder.insert_events)
"""The library's insert without its retry decorator: one attempt (tests replace it to lose
an answer)."""


class OrderedInsertRecorder(PostgresApplicationRecorder):
    """The library's application recorder, inserting through ``roadlog_insert_events``."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        # The library's own insert path calls the function only when this is on.
        assert datastore.enable_db_functions, "POSTGRES_ENABLE_DB_FUNCTIONS must be set"
        names = {
            "schema": Identifier(self.datastore.schema),
            "table": Identifier(self.events_table_name),
            "function": Identifier(INSERT_FUNCTION),
            "event": Identifier(self.stored_event_type_name),
            "channel": Identifier(self.channel_name),
            "lock_timeout": SQL(str(self.datastore.lock_timeout)),
        }
        self.pg_function_name_insert_events = INSERT_FUNCTION
        self.sql_invoke_pg_function_insert_events = SQL(
            "SELECT * FROM {schema}.{function}((%s))"
        ).format(**names)
        # Installed (CREATE OR REPLACE) by create_table, in place of the library's, on
        # every start. It runs with its owner's rights (the runtime role may not take the
        # table lock or insert itself, see backend.roles), with a search path no caller
        # can plant objects in; declared here, so that no re-creation leaves a moment in
        # which it would run with the caller's rights and refuse every insert.
        self.sql_create_statements[self.create_insert_function_statement_index] = SQL(
            "CREATE OR REPLACE FUNCTION {schema}.{function}(events {schema}.{event}[]) "
            "RETURNS SETOF bigint LANGUAGE plpgsql "
            "SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $BODY$ "
            "BEGIN "
            "SET LOCAL lock_timeout = '{lock_timeout}s'; "
            "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
            "NOTIFY {channel}; "
            "RETURN QUERY "
            "INSERT INTO {schema}.{table} AS t (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version, topic, state FROM unnest(events) "
            "RETURNING notification_id; "
            "END; $BODY$"
        ).format(**names)
        self.sql_select_recorded = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM {schema}.{table} WHERE originator_id = ANY(%s) AND originator_version = ANY(%s)"
        ).format(**names)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Insert and commit ``stored_events`` together; their notification ids, in order.

        A save with nothing to record does not call the function: it would take the
        table lock and wake every listener for nothing. A failed connection is retried
        (see the module docstring for what a retry that finds its own events does).
        """
        if not stored_events:
            return []
        attempts = 0

        @retry((InterfaceError, OperationalError), INSERT_ATTEMPTS, RETRY_SECONDS)
        def attempt() -> Sequence[int] | None:
            nonlocal attempts
            attempts += 1
            ids: Sequence[int] | None = _library_insert(self, stored_events, **kwargs)
            return ids

        try:
            inserted: Sequence[int] | None = attempt()
        except IntegrityError:
            # After a failed attempt, the conflict may be with that attempt's own commit.
            if attempts > 1 and (recorded := self._already_recorded(stored_events)):
                return recorded
            raise
        return inserted

    def _already_recorded(self, stored_events: Sequence[StoredEvent]) -> list[int] | None:
        """The notification ids of ``stored_events`` if the log holds exactly these events
        (same topics, same states) at their versions; None if anything differs."""
        ids = [event.originator_id for event in stored_events]
        versions = [event.originator_version for event in stored_events]
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.sql_select_recorded, (ids, versions))
            rows = {
                (row["originator_id"], row["originator_version"]): row for row in curs.fetchall()
            }
        recorded = []
        for event in stored_events:
            row = rows.get((event.originator_id, event.originator_version))
            if row is None or row["topic"] != event.topic or bytes(row["state"]) != event.state:
                return None
            recorded.append(int(row["notification_id"]))
        return recorded
