"""Status updates: on a roadmap or one initiative of it, with a health and a bounded body."""

from __future__ import annotations

from uuid import UUID

from backend.application import Caller
from backend.domain.errors import ArchivedError, Invalid, NotFound
from backend.domain.status_update import MAX_BODY_LENGTH, StatusUpdate
from tests.domain.helpers import (
    ObservedRoadlog,
    a_roadmap,
    attrs,
    initiatives_on,
    kinds,
    recorded,
    rejected,
)


def test_posting_an_update_on_a_roadmap_records_it_with_its_health_and_trimmed_body(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    events = recorded(
        app,
        lambda: app.post_status_update(
            editor, roadmap_id=roadmap_id, health="ON_TRACK", body="  All good.\n  "
        ),
    )
    assert kinds(events) == ["StatusUpdate.Posted"]
    [posted] = events
    assert isinstance(posted, StatusUpdate.Posted)
    assert attrs(posted, "roadmap_id", "initiative_id", "health", "body", "actor") == {
        "roadmap_id": roadmap_id,
        "initiative_id": None,
        "health": "ON_TRACK",
        "body": "All good.",
        "actor": "ed@example.com",
    }


def test_an_update_may_be_about_one_initiative_of_the_roadmap(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    [posted] = recorded(
        app,
        lambda: app.post_status_update(
            editor,
            roadmap_id=roadmap_id,
            initiative_id=initiative_id,
            health="OFF_TRACK",
            body="Blocked",
        ),
    )
    assert attrs(posted, "initiative_id", "health") == {
        "initiative_id": initiative_id,
        "health": "OFF_TRACK",
    }


def test_an_initiative_of_another_roadmap_is_refused_and_a_missing_one_is_not_found(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID, some_id: UUID
) -> None:
    other = a_roadmap(app, editor, "Elsewhere")
    [elsewhere] = initiatives_on(app, editor, other, 1)
    error = rejected(
        app,
        Invalid,
        "initiative_id",
        lambda: app.post_status_update(
            editor, roadmap_id=roadmap_id, initiative_id=elsewhere, health="AT_RISK", body="b"
        ),
    )
    assert "is not on roadmap" in error.message
    rejected(
        app,
        NotFound,
        "initiative_id",
        lambda: app.post_status_update(
            editor, roadmap_id=roadmap_id, initiative_id=some_id, health="AT_RISK", body="b"
        ),
    )


def test_unknown_health_blank_or_overlong_body_and_missing_roadmap_record_nothing(
    app: ObservedRoadlog, editor: Caller, outsider: Caller, roadmap_id: UUID, some_id: UUID
) -> None:
    def post(caller: Caller = editor, **changes: object) -> object:
        command: dict[str, object] = {
            "roadmap_id": roadmap_id,
            "health": "AT_RISK",
            "body": "b",
            **changes,
        }
        return app.post_status_update(caller, **command)  # type: ignore[arg-type]

    error = rejected(app, Invalid, "health", lambda: post(health="FINE"))
    assert "'FINE' is not one of ON_TRACK, AT_RISK, OFF_TRACK" in error.message
    rejected(app, Invalid, "body", lambda: post(body=" \n "))
    error = rejected(app, Invalid, "body", lambda: post(body="x" * (MAX_BODY_LENGTH + 1)))
    assert f"at most {MAX_BODY_LENGTH} characters, got {MAX_BODY_LENGTH + 1}" in error.message
    rejected(app, NotFound, "roadmap_id", lambda: post(roadmap_id=some_id))
    rejected(app, NotFound, "roadmap_id", lambda: post(outsider))
    post(body="x" * MAX_BODY_LENGTH)


def test_an_archived_roadmap_takes_no_update(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    app.archive_roadmap(editor, roadmap_id=roadmap_id, reason="done")
    rejected(
        app,
        ArchivedError,
        "roadmap_id",
        lambda: app.post_status_update(editor, roadmap_id=roadmap_id, health="ON_TRACK", body="b"),
    )


def test_a_repeated_idempotency_key_posts_once(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first = app.post_status_update(
        editor, roadmap_id=roadmap_id, health="ON_TRACK", body="b", idempotency_key="week-1"
    )
    before = app.recorder.max_notification_id()
    again = app.post_status_update(
        editor, roadmap_id=roadmap_id, health="ON_TRACK", body="b", idempotency_key="week-1"
    )
    assert again == first
    assert app.recorder.max_notification_id() == before
