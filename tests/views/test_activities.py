"""The activities list: newest first, loaded page by page, filtered in SQL, refreshed on change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm_desktop.services import activities
from crm_desktop.services.contacts import create_contact, update_contact
from crm_desktop.views import activities_model
from crm_desktop.views.activities_model import (
    ActivitiesModel,
    ActivityFilter,
    format_duration,
    parse_duration,
)
from crm_desktop.views.activities_view import ActivitiesView
from tests.views.conftest import settle

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
OUTCOMES = ["connected", "no_answer", "busy", "connected", "voicemail"]


@pytest.fixture
def logged(ctx) -> dict[str, list[str]]:
    wang = create_contact(ctx.store, {"name": "王芳"}).value
    calls = [
        activities.log_call(
            ctx.store, wang, "outbound", o, started_at=T0 + timedelta(minutes=i), duration_s=65
        ).value.activity_id
        for i, o in enumerate(OUTCOMES)
    ]
    old_visit = activities.log_activity(
        ctx.store, "visit", contact_id=wang, subject="Factory tour", occurred_at=T0 - timedelta(40)
    ).value
    return {"contact": [wang], "calls": calls, "visit": [old_visit]}


def ids(model: ActivitiesModel) -> list[str]:
    return [model.row_at(r).id for r in range(model.rowCount())]


def make_view(qtbot, ctx) -> ActivitiesView:
    view = ActivitiesView(ctx)
    qtbot.addWidget(view)
    view.show()
    settle(qtbot, ctx)
    return view


def test_newest_first_with_readable_columns(qtbot, ctx, logged) -> None:
    view = make_view(qtbot, ctx)
    model = view.model
    assert ids(model) == [*reversed(logged["calls"]), *logged["visit"]]
    cells = [model.index(0, c).data() for c in range(model.columnCount())]
    assert cells[1:5] == ["Call", "王芳", "Outgoing · Voicemail", "1:05"]
    assert model.index(5, 3).data() == "Factory tour"
    assert model.headerData(0, activities_model.Qt.Orientation.Horizontal) == "When"


def test_filter_by_outcome_type_and_date(qtbot, ctx, logged) -> None:
    view = make_view(qtbot, ctx)
    calls = logged["calls"]
    view.outcome.setCurrentIndex(view.outcome.findData("connected"))
    settle(qtbot, ctx)
    assert ids(view.model) == [calls[3], calls[0]]

    view.outcome.setCurrentIndex(0)
    view.kind.setCurrentIndex(view.kind.findData("visit"))
    settle(qtbot, ctx)
    assert ids(view.model) == logged["visit"]

    view.outcome.setCurrentIndex(view.outcome.findData("busy"))  # an outcome shows calls
    settle(qtbot, ctx)
    assert view.kind.currentData() == "call" and ids(view.model) == [calls[2]]

    view.outcome.setCurrentIndex(0)
    view.kind.setCurrentIndex(0)
    view.range.setCurrentIndex(view.range.findData("7"))
    settle(qtbot, ctx)
    assert ids(view.model) == list(reversed(calls))  # the 40-day-old visit is out
    view.range.setCurrentIndex(view.range.findData("custom"))
    assert view.date_from.isVisibleTo(view)


def test_pages_load_as_the_view_scrolls(qtbot, ctx, logged, monkeypatch) -> None:
    monkeypatch.setattr(activities_model, "PAGE_SIZE", 2)
    model = ActivitiesModel(ctx)
    model.reload(keep_loaded=False)
    settle(qtbot, ctx)
    assert model.rowCount() == 2 and model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
        settle(qtbot, ctx)
    assert ids(model) == [*reversed(logged["calls"]), *logged["visit"]]


def test_reloads_when_activities_change(qtbot, ctx, logged) -> None:
    view = make_view(qtbot, ctx)
    wang = logged["contact"][0]
    ctx.runner.submit(lambda: activities.log_activity(ctx.store, "note", contact_id=wang))
    settle(qtbot, ctx)  # the change, then the reload it caused
    assert view.model.rowCount() == 7 and view.model.index(0, 1).data() == "Note"
    ctx.runner.submit(lambda: update_contact(ctx.store, wang, {"name": "王芳芳"}))
    settle(qtbot, ctx)
    assert view.model.index(0, 2).data() == "王芳芳"


def test_activating_a_row_opens_its_contact(qtbot, ctx, logged) -> None:
    view = make_view(qtbot, ctx)
    with qtbot.waitSignal(view.open_contact) as opened:
        view.table.activated.emit(view.model.index(0, 0))
    assert opened.args == [logged["contact"][0]]


def test_model_passes_the_model_tester(qtbot, ctx, logged, qtmodeltester) -> None:
    model = ActivitiesModel(ctx)
    model.set_filter(ActivityFilter(kind="call"))
    settle(qtbot, ctx)
    qtmodeltester.check(model, force_py=True)


def test_durations() -> None:
    assert format_duration(None) == "" and format_duration(3725) == "62:05"
    assert parse_duration("") is None and parse_duration("2:05") == 125
    assert parse_duration("3") == 180 and parse_duration(":30") == 30
    with pytest.raises(ValueError):
        parse_duration("1:60")
