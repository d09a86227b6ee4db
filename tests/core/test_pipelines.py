"""Pipelines and stages: default pipeline, stage edits, reordering, deleting with deals."""

from __future__ import annotations

from typing import Any

import pytest

from crm_desktop.errors import ConflictingStateError, NotFoundError, ValidationError
from crm_desktop.services import deals, pipelines
from crm_desktop.store.engine import Store
from tests.changelog_replay import assert_logged, last_seq


def names(store: Store, pipeline_id: str) -> list[str]:
    return [s.name for s in pipelines.list_stages(store, pipeline_id)]


def test_default_pipeline_english(store: Store) -> None:
    before = last_seq(store)
    result = pipelines.ensure_default_pipeline(store)
    assert_logged(store, before, result)
    [pipeline] = pipelines.list_pipelines(store)
    assert pipeline.id == result.value and pipeline.name == "Sales"
    stages = pipelines.list_stages(store, pipeline.id)
    assert [(s.name, s.position, s.probability, s.is_won, s.is_lost) for s in stages] == [
        ("Lead", 0, 10, False, False),
        ("Qualified", 1, 25, False, False),
        ("Proposal", 2, 50, False, False),
        ("Negotiation", 3, 75, False, False),
        ("Won", 4, 100, True, False),
        ("Lost", 5, 0, False, True),
    ]
    assert all(s.stale_days for s in stages[:4]) and stages[4].stale_days is None


def test_default_pipeline_chinese_and_only_once(store: Store) -> None:
    first = pipelines.ensure_default_pipeline(store, language="zh")
    again = pipelines.ensure_default_pipeline(store, language="en")
    assert again.value == first.value and not again.changes
    [pipeline] = pipelines.list_pipelines(store)
    assert pipeline.name == "销售"
    assert names(store, pipeline.id) == ["线索", "已确认", "方案", "谈判", "赢单", "输单"]


def test_default_pipeline_rejects_unknown_language(store: Store) -> None:
    with pytest.raises(ValidationError) as err:
        pipelines.ensure_default_pipeline(store, language="fr")
    assert err.value.field == "language"


def test_create_pipeline_with_stages(store: Store) -> None:
    before = last_seq(store)
    result = pipelines.create_pipeline(
        store,
        "Renewals",
        [
            {"name": "Due", "probability": 60, "stale_days": 7},
            {"name": "Renewed", "probability": 100, "is_won": True},
        ],
    )
    assert_logged(store, before, result)
    stages = pipelines.list_stages(store, result.value)
    assert [(s.name, s.probability, s.stale_days, s.is_won) for s in stages] == [
        ("Due", 60, 7, False),
        ("Renewed", 100, None, True),
    ]


@pytest.mark.parametrize(
    ("stage", "field"),
    [
        ({"name": "X", "probability": 120}, "probability"),
        ({"name": "X", "probability": -1}, "probability"),
        ({"name": "X", "stale_days": 0}, "stale_days"),
        ({"name": ""}, "name"),
        ({"name": "X", "is_won": True, "is_lost": True}, "is_lost"),
        ({"name": "X", "colour": "red"}, "colour"),
    ],
)
def test_create_pipeline_rejects_bad_stage(store: Store, stage: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        pipelines.create_pipeline(store, "P", [stage])
    assert err.value.field == field
    assert pipelines.list_pipelines(store) == []


def test_create_pipeline_rejects_duplicate_stage_names(store: Store) -> None:
    with pytest.raises(ValidationError) as err:
        pipelines.create_pipeline(store, "P", [{"name": "A"}, {"name": "a"}])
    assert err.value.code == "validation.duplicate"


def test_add_stage_goes_before_closing_stages(store: Store) -> None:
    pipeline_id = pipelines.ensure_default_pipeline(store).value
    before = last_seq(store)
    result = pipelines.add_stage(store, pipeline_id, {"name": "Contract", "probability": 90})
    assert_logged(store, before, result)
    assert names(store, pipeline_id) == [
        "Lead",
        "Qualified",
        "Proposal",
        "Negotiation",
        "Contract",
        "Won",
        "Lost",
    ]
    pipelines.add_stage(store, pipeline_id, {"name": "Intro"}, position=0)
    stages = pipelines.list_stages(store, pipeline_id)
    assert [s.name for s in stages][:2] == ["Intro", "Lead"]
    assert [s.position for s in stages] == list(range(8))


def test_add_stage_bad_paths(store: Store) -> None:
    pipeline_id = pipelines.ensure_default_pipeline(store).value
    with pytest.raises(ValidationError, match="already has"):
        pipelines.add_stage(store, pipeline_id, {"name": "lead"})
    with pytest.raises(ValidationError) as err:
        pipelines.add_stage(store, pipeline_id, {"name": "X"}, position=99)
    assert err.value.field == "position"
    with pytest.raises(NotFoundError):
        pipelines.add_stage(store, "no-such-pipeline", {"name": "X"})


def test_rename_probability_stale_days(store: Store) -> None:
    pipeline_id = pipelines.ensure_default_pipeline(store).value
    lead = pipelines.list_stages(store, pipeline_id)[0]
    before = last_seq(store)
    result = pipelines.rename_stage(store, lead.id, "Prospect")
    assert_logged(store, before, result)
    assert result.value == {"name": "Lead"}
    pipelines.set_stage_probability(store, lead.id, 5)
    pipelines.set_stage_stale_days(store, lead.id, None)
    stage = pipelines.list_stages(store, pipeline_id)[0]
    assert (stage.name, stage.probability, stage.stale_days) == ("Prospect", 5, None)


def test_stage_edit_bad_paths(store: Store) -> None:
    pipeline_id = pipelines.ensure_default_pipeline(store).value
    lead, qualified = pipelines.list_stages(store, pipeline_id)[:2]
    with pytest.raises(ValidationError) as err:
        pipelines.set_stage_probability(store, lead.id, 120)
    assert err.value.field == "probability"
    with pytest.raises(ValidationError):
        pipelines.rename_stage(store, lead.id, qualified.name)
    with pytest.raises(NotFoundError):
        pipelines.rename_stage(store, "missing", "X")
    # A stage holding deals cannot turn into a won stage under them.
    deals.create_deal(store, {"title": "D", "stage_id": lead.id})
    with pytest.raises(ConflictingStateError):
        pipelines.update_stage(store, lead.id, {"is_won": True})


def test_reorder_stages(store: Store) -> None:
    pipeline_id = pipelines.ensure_default_pipeline(store).value
    ids = [s.id for s in pipelines.list_stages(store, pipeline_id)]
    wanted = [ids[1], ids[0], *ids[2:]]
    before = last_seq(store)
    result = pipelines.reorder_stages(store, pipeline_id, wanted)
    assert_logged(store, before, result)
    assert result.changes.updated["stage"] == {ids[0], ids[1]}  # only what moved
    assert [s.id for s in pipelines.list_stages(store, pipeline_id)] == wanted
    with pytest.raises(ValidationError) as err:
        pipelines.reorder_stages(store, pipeline_id, ids[:-1])
    assert err.value.field == "stage_ids"


def test_reorder_rename_delete_pipelines(store: Store) -> None:
    first = pipelines.ensure_default_pipeline(store).value
    second = pipelines.create_pipeline(store, "Renewals", [{"name": "Due"}]).value
    pipelines.reorder_pipelines(store, [second, first])
    assert [p.id for p in pipelines.list_pipelines(store)] == [second, first]
    pipelines.rename_pipeline(store, second, "Renewal")
    assert pipelines.list_pipelines(store)[0].name == "Renewal"
    before = last_seq(store)
    result = pipelines.delete_pipeline(store, second)
    assert_logged(store, before, result)
    assert result.changes.deleted["stage"]
    assert [p.id for p in pipelines.list_pipelines(store)] == [first]
    deals.create_deal(store, {"title": "D", "pipeline_id": first})
    with pytest.raises(ConflictingStateError):
        pipelines.delete_pipeline(store, first)


def test_delete_empty_stage_keeps_positions_contiguous(store: Store) -> None:
    pipeline_id = pipelines.ensure_default_pipeline(store).value
    qualified = pipelines.list_stages(store, pipeline_id)[1]
    before = last_seq(store)
    result = pipelines.delete_stage(store, qualified.id)
    assert_logged(store, before, result)
    assert result.value == 0
    stages = pipelines.list_stages(store, pipeline_id)
    assert [s.position for s in stages] == list(range(5))
    assert "Qualified" not in [s.name for s in stages]


def test_delete_stage_with_deals_moves_them(store: Store) -> None:
    pipeline_id = pipelines.ensure_default_pipeline(store).value
    lead, qualified = pipelines.list_stages(store, pipeline_id)[:2]
    deal_id = deals.create_deal(store, {"title": "D", "stage_id": lead.id}).value
    with pytest.raises(ValidationError) as err:
        pipelines.delete_stage(store, lead.id)
    assert err.value.field == "move_deals_to"
    result = pipelines.delete_stage(store, lead.id, move_deals_to=qualified.id)
    assert result.value == 1
    assert result.changes.created["deal_stage_history"]
    moves = deals.deal_history(store, deal_id)
    assert [(m.from_stage_id, m.to_stage_id) for m in moves][-1] == (lead.id, qualified.id)
    assert deals.get_deal(store, deal_id).deal.stage_id == qualified.id


def test_delete_stage_target_must_fit(store: Store) -> None:
    pipeline_id = pipelines.ensure_default_pipeline(store).value
    lead, *_, won, _lost = pipelines.list_stages(store, pipeline_id)
    other = pipelines.create_pipeline(store, "Other", [{"name": "Open"}]).value
    elsewhere = pipelines.list_stages(store, other)[0]
    deals.create_deal(store, {"title": "D", "stage_id": lead.id})
    for target in (elsewhere.id, won.id, lead.id, "missing"):
        with pytest.raises(ValidationError) as err:
            pipelines.delete_stage(store, lead.id, move_deals_to=target)
        assert err.value.field == "move_deals_to"
    assert len(pipelines.list_stages(store, pipeline_id)) == 6


def test_list_stages_unknown_pipeline(store: Store) -> None:
    with pytest.raises(NotFoundError):
        pipelines.list_stages(store, "missing")
