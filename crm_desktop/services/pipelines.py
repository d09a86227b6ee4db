"""Pipelines (销售管道) and their stages (阶段): create, edit, reorder, delete.

Stage positions are kept contiguous (0..n-1) within a pipeline, so the board,
the funnel and "the next stage" all read the same order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select
from sqlmodel import col

from crm_desktop.domain.models import Deal, Pipeline, Stage
from crm_desktop.errors import ConflictingStateError, NotFoundError, ValidationError
from crm_desktop.services import validation as v
from crm_desktop.services.results import OpResult
from crm_desktop.store.changes import Row, WriteTx
from crm_desktop.store.engine import Store

STAGE_FIELDS = frozenset({"name", "probability", "stale_days", "is_won", "is_lost"})
MAX_STALE_DAYS = 3650


@dataclass(frozen=True)
class DefaultStage:
    name_en: str
    name_zh: str
    probability: int
    stale_days: int | None = None
    is_won: bool = False
    is_lost: bool = False


DEFAULT_PIPELINE_NAME = {"en": "Sales", "zh": "销售"}
DEFAULT_STAGES = (
    DefaultStage("Lead", "线索", 10, stale_days=14),
    DefaultStage("Qualified", "已确认", 25, stale_days=14),
    DefaultStage("Proposal", "方案", 50, stale_days=21),
    DefaultStage("Negotiation", "谈判", 75, stale_days=14),
    DefaultStage("Won", "赢单", 100, is_won=True),
    DefaultStage("Lost", "输单", 0, is_lost=True),
)


# -- validation --------------------------------------------------------------
def clean_stage(values: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Validate stage fields; raises ValidationError naming the field."""
    v.known_fields(values, STAGE_FIELDS, "Stages")
    out: dict[str, Any] = {}
    if creating or "name" in values:
        out["name"] = v.required_text("name", values.get("name"))
    if "probability" in values:
        out["probability"] = v.integer("probability", values["probability"], minimum=0, maximum=100)
        if out["probability"] is None:
            raise ValidationError(
                "probability", "probability is required.", code="validation.required"
            )
    if "stale_days" in values:
        out["stale_days"] = v.integer(
            "stale_days", values["stale_days"], minimum=1, maximum=MAX_STALE_DAYS
        )
    for flag in ("is_won", "is_lost"):
        if flag in values:
            out[flag] = v.boolean(flag, values[flag])
    if out.get("is_won") and out.get("is_lost"):
        raise ValidationError("is_lost", "A stage cannot be both won and lost.")
    return out


# -- reads shared with deals and reports ---------------------------------------
def stage_row(conn: Connection, stage_id: str, field: str = "stage_id") -> Row:
    """The stage's row, or ValidationError naming `field` (a bad reference in input)."""
    row = conn.execute(select(Stage).where(col(Stage.id) == stage_id)).mappings().first()
    if row is None:
        raise ValidationError(field, f"No stage with id {stage_id}.", code="validation.reference")
    return dict(row)


def stage_rows(conn: Connection, pipeline_id: str) -> list[Row]:
    """The stages of a pipeline in board order."""
    rows = conn.execute(
        select(Stage)
        .where(col(Stage.pipeline_id) == pipeline_id)
        .order_by(col(Stage.position), col(Stage.id))
    ).mappings()
    return [dict(r) for r in rows]


def is_open_stage(stage: Row) -> bool:
    """Whether deals in `stage` are open (it is neither a won nor a lost stage)."""
    return not (stage["is_won"] or stage["is_lost"])


def first_open_stage(conn: Connection, pipeline_id: str) -> Row | None:
    """Where new deals of a pipeline start: its first stage that is neither won nor lost."""
    return next((s for s in stage_rows(conn, pipeline_id) if is_open_stage(s)), None)


def closing_stage(conn: Connection, pipeline_id: str, *, won: bool) -> Row | None:
    """The pipeline's first won (or lost) stage, if it has one."""
    flag = "is_won" if won else "is_lost"
    return next((s for s in stage_rows(conn, pipeline_id) if s[flag]), None)


def _pipeline_exists(conn: Connection, pipeline_id: str) -> bool:
    query = select(col(Pipeline.id)).where(col(Pipeline.id) == pipeline_id)
    found = conn.execute(query).first()
    return found is not None


# -- pipelines -----------------------------------------------------------------
def create_pipeline(
    store: Store, name: str, stages: Sequence[Mapping[str, Any]] = ()
) -> OpResult[str]:
    """Create a pipeline with its stages (in the given order).

    Args:
        name: the pipeline's name.
        stages: mappings with ``name`` and optionally ``probability`` (0-100),
            ``stale_days``, ``is_won``, ``is_lost``.
    Returns:
        The new pipeline's id.
    """
    clean_name = v.required_text("name", name)
    cleaned = [clean_stage(s, creating=True) for s in stages]
    _check_unique_names([s["name"] for s in cleaned])
    with store.write() as tx:
        pipeline_id = _insert_pipeline(tx, clean_name, cleaned)
    return OpResult(pipeline_id, tx.changes)


def _insert_pipeline(tx: WriteTx, name: str, stages: list[dict[str, Any]]) -> str:
    position = tx.conn.execute(select(func.count()).select_from(Pipeline)).scalar_one()
    pipeline_id = tx.insert(Pipeline, {"name": name, "position": int(position)})
    tx.insert_many(
        Stage,
        [
            {**stage, "pipeline_id": pipeline_id, "position": index}
            for index, stage in enumerate(stages)
        ],
    )
    return pipeline_id


def _check_unique_names(names: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise ValidationError(
                "name", f"The pipeline already has a stage '{name}'.", code="validation.duplicate"
            )
        seen.add(name.casefold())


def ensure_default_pipeline(store: Store, language: str = "en") -> OpResult[str]:
    """On a store without pipelines, create the default "Sales" pipeline.

    Args:
        language: ``"en"`` or ``"zh"`` (names from the product glossary).
    Returns:
        The id of the pipeline created, or of the first existing pipeline
        (then nothing is written).
    """
    language = v.one_of("language", language, tuple(DEFAULT_PIPELINE_NAME))
    stages = [
        {
            "name": s.name_zh if language == "zh" else s.name_en,
            "probability": s.probability,
            "stale_days": s.stale_days,
            "is_won": s.is_won,
            "is_lost": s.is_lost,
        }
        for s in DEFAULT_STAGES
    ]
    with store.write() as tx:
        # Checked inside the write transaction, so two first runs cannot both create one.
        existing = tx.conn.execute(
            select(col(Pipeline.id)).order_by(col(Pipeline.position), col(Pipeline.id)).limit(1)
        ).scalar()
        pipeline_id = existing or _insert_pipeline(tx, DEFAULT_PIPELINE_NAME[language], stages)
    return OpResult(str(pipeline_id), tx.changes)


def rename_pipeline(store: Store, pipeline_id: str, name: str) -> OpResult[dict[str, Any]]:
    """Rename a pipeline; returns the old values of what changed."""
    clean_name = v.required_text("name", name)
    with store.write() as tx:
        old = tx.update(Pipeline, pipeline_id, {"name": clean_name})
    return OpResult(old, tx.changes)


def reorder_pipelines(store: Store, pipeline_ids: Sequence[str]) -> OpResult[None]:
    """Put all pipelines in the given order (every pipeline id exactly once)."""
    with store.write() as tx:
        current = list(
            tx.conn.execute(
                select(col(Pipeline.id)).order_by(col(Pipeline.position), col(Pipeline.id))
            ).scalars()
        )
        _reposition(tx, Pipeline, current, pipeline_ids, "pipeline_ids")
    return OpResult(None, tx.changes)


def delete_pipeline(store: Store, pipeline_id: str) -> OpResult[None]:
    """Delete a pipeline and its stages.

    Raises:
        ConflictingStateError: deals are still in the pipeline (move or delete them first).
    """
    with store.write() as tx:
        tx.get_row(Pipeline, pipeline_id)
        deals = tx.conn.execute(
            select(func.count()).where(col(Deal.pipeline_id) == pipeline_id)
        ).scalar_one()
        if deals:
            raise ConflictingStateError(
                "pipeline.has_deals",
                f"The pipeline still has {deals} deals; move or delete them first.",
                count=int(deals),
            )
        for stage in stage_rows(tx.conn, pipeline_id):
            tx.delete(Stage, stage["id"])
        tx.delete(Pipeline, pipeline_id)
    return OpResult(None, tx.changes)


def list_pipelines(store: Store) -> list[Pipeline]:
    """All pipelines, in their display order."""
    with store.read() as conn:
        rows = conn.execute(
            select(Pipeline).order_by(col(Pipeline.position), col(Pipeline.id))
        ).mappings()
        return [Pipeline(**r) for r in rows]


def list_stages(store: Store, pipeline_id: str) -> list[Stage]:
    """The stages of a pipeline, in board order.

    Raises:
        NotFoundError: no such pipeline.
    """
    with store.read() as conn:
        if not _pipeline_exists(conn, pipeline_id):
            raise NotFoundError("pipeline", pipeline_id)
        return [Stage(**r) for r in stage_rows(conn, pipeline_id)]


# -- stages --------------------------------------------------------------------
def add_stage(
    store: Store, pipeline_id: str, values: Mapping[str, Any], position: int | None = None
) -> OpResult[str]:
    """Add a stage to a pipeline.

    Args:
        values: ``name`` and optionally ``probability``, ``stale_days``,
            ``is_won``, ``is_lost``.
        position: index to insert at; by default an open stage goes after the
            last open stage (before Won/Lost) and a closing stage at the end.
    Returns:
        The new stage's id.
    """
    row = clean_stage(values, creating=True)
    with store.write() as tx:
        tx.get_row(Pipeline, pipeline_id)
        stages = stage_rows(tx.conn, pipeline_id)
        _check_unique_names([s["name"] for s in stages] + [row["name"]])
        index = _insert_index(stages, row, position)
        for stage in stages[index:]:  # make room; positions stay contiguous
            tx.update(Stage, stage["id"], {"position": stage["position"] + 1})
        stage_id = tx.insert(Stage, {**row, "pipeline_id": pipeline_id, "position": index})
    return OpResult(stage_id, tx.changes)


def _insert_index(stages: list[Row], row: dict[str, Any], position: int | None) -> int:
    if position is not None:
        return v.integer("position", position, minimum=0, maximum=len(stages)) or 0
    if row.get("is_won") or row.get("is_lost"):
        return len(stages)
    # A new working stage belongs before the closing columns, not after "Lost".
    open_positions = [i for i, s in enumerate(stages) if is_open_stage(s)]
    return open_positions[-1] + 1 if open_positions else 0


def update_stage(
    store: Store, stage_id: str, values: Mapping[str, Any]
) -> OpResult[dict[str, Any]]:
    """Edit a stage's name, probability (0-100), stale_days, or won/lost flag.

    A won/lost flag cannot change while deals are in the stage, since their
    status would no longer match their column.

    Returns:
        The old values of the fields that changed.
    """
    row = clean_stage(values, creating=False)
    with store.write() as tx:
        current = tx.get_row(Stage, stage_id)
        if "name" in row:
            siblings = stage_rows(tx.conn, current["pipeline_id"])
            names = [s["name"] for s in siblings if s["id"] != stage_id]
            _check_unique_names([*names, row["name"]])
        merged = {**current, **row}
        if merged["is_won"] and merged["is_lost"]:
            raise ValidationError("is_lost", "A stage cannot be both won and lost.")
        flags_change = any(row.get(f, current[f]) != current[f] for f in ("is_won", "is_lost"))
        if flags_change and _deal_count(tx.conn, stage_id):
            raise ConflictingStateError(
                "stage.has_deals",
                "Move the stage's deals out before changing whether it is won or lost.",
            )
        old = tx.update(Stage, stage_id, row)
    return OpResult(old, tx.changes)


def rename_stage(store: Store, stage_id: str, name: str) -> OpResult[dict[str, Any]]:
    """Rename a stage (names are unique within a pipeline)."""
    return update_stage(store, stage_id, {"name": name})


def set_stage_probability(
    store: Store, stage_id: str, probability: int
) -> OpResult[dict[str, Any]]:
    """Set the win probability (percent, 0-100) that weights the stage's deals."""
    return update_stage(store, stage_id, {"probability": probability})


def set_stage_stale_days(
    store: Store, stage_id: str, stale_days: int | None
) -> OpResult[dict[str, Any]]:
    """Days without activity or move after which a deal in the stage is stale (None: never)."""
    return update_stage(store, stage_id, {"stale_days": stale_days})


def reorder_stages(store: Store, pipeline_id: str, stage_ids: Sequence[str]) -> OpResult[None]:
    """Put a pipeline's stages in the given order (every stage id exactly once)."""
    with store.write() as tx:
        tx.get_row(Pipeline, pipeline_id)
        current = [s["id"] for s in stage_rows(tx.conn, pipeline_id)]
        _reposition(tx, Stage, current, stage_ids, "stage_ids")
    return OpResult(None, tx.changes)


def _reposition(
    tx: WriteTx, model: Any, current: list[str], wanted: Sequence[str], field: str
) -> None:
    if len(wanted) != len(current) or set(wanted) != set(current):
        raise ValidationError(
            field, f"{field} must list each of the {len(current)} items exactly once."
        )
    for index, record_id in enumerate(wanted):
        tx.update(model, record_id, {"position": index})  # writes only positions that changed


def delete_stage(store: Store, stage_id: str, move_deals_to: str | None = None) -> OpResult[int]:
    """Delete a stage; its deals (if any) move to `move_deals_to` first.

    The moves are ordinary stage moves (history rows, stage_entered_at). The
    target must be of the same kind (open, won or lost) as the deleted stage,
    so no deal's status changes as a side effect of tidying the pipeline.

    Returns:
        How many deals were moved.
    Raises:
        ValidationError: deals exist and no valid target of the same pipeline is given.
    """
    from crm_desktop.services.deals import move_deal_in  # deals builds on this module

    with store.write() as tx:
        stage = tx.get_row(Stage, stage_id)
        query = select(col(Deal.id)).where(col(Deal.stage_id) == stage_id)
        deal_ids = list(tx.conn.execute(query).scalars())
        if deal_ids:
            target = _move_target(tx.conn, stage, move_deals_to)
            for deal_id in deal_ids:
                move_deal_in(tx, deal_id, target)
        tx.delete(Stage, stage_id)
        for index, other in enumerate(stage_rows(tx.conn, stage["pipeline_id"])):
            tx.update(Stage, other["id"], {"position": index})
    return OpResult(len(deal_ids), tx.changes)


def _move_target(conn: Connection, stage: Row, target_id: str | None) -> Row:
    if not target_id:
        raise ValidationError(
            "move_deals_to",
            "The stage has deals: choose the stage to move them to.",
            code="validation.required",
        )
    target = stage_row(conn, target_id, "move_deals_to")
    if target["pipeline_id"] != stage["pipeline_id"] or target["id"] == stage["id"]:
        raise ValidationError(
            "move_deals_to", "Move the deals to another stage of the same pipeline."
        )
    if (target["is_won"], target["is_lost"]) != (stage["is_won"], stage["is_lost"]):
        raise ValidationError(
            "move_deals_to", "Move the deals to a stage of the same kind (open, won or lost)."
        )
    return target


def _deal_count(conn: Connection, stage_id: str) -> int:
    query = select(func.count()).where(col(Deal.stage_id) == stage_id)
    return int(conn.execute(query).scalar_one())


def stage_deal_counts(store: Store, pipeline_id: str) -> dict[str, int]:
    """How many deals (open or closed) each stage of a pipeline holds; stages without
    deals are left out. Tells the pipelines editor whether deleting a stage needs a target.
    """
    query = (
        select(col(Deal.stage_id), func.count())
        .where(col(Deal.pipeline_id) == pipeline_id)
        .group_by(col(Deal.stage_id))
    )
    with store.read() as conn:
        return {str(stage_id): int(count) for stage_id, count in conn.execute(query)}
