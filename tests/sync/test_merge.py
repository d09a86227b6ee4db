"""The shared merge rules, as pure functions: order-independence and what is kept."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from crm_desktop.sync.merge import RecordState, merge_change, remote_wins
from crm_desktop.sync.protocol import WireChange


def change(cid: str, hlc: int, device: str, op: str = "upsert", seen: int = 0, **fields):
    return WireChange(
        change_id=cid,
        entity="contact",
        record_id="r",
        op=op,
        fields=fields,
        hlc=hlc,
        device_id=device,
        seen=seen,
    )


def apply_all(changes: list[WireChange]) -> tuple[RecordState | None, list]:
    state, overwrites = None, []
    for seq, c in enumerate(changes, start=1):
        result = merge_change(state, c, seq)
        state = result.state
        overwrites += result.overwrites
    return state, overwrites


def test_later_write_wins_and_the_concurrent_loser_is_kept() -> None:
    state, kept = apply_all(
        [
            change("a", 10, "A", name="base"),
            change("b", 20, "A", seen=1, title="Director"),
            change("c", 30, "B", seen=1, title="VP"),  # B had not seen A's title
        ]
    )
    assert state is not None and state.fields["title"] == "VP"
    [overwrite] = kept
    assert (overwrite.loser_value, overwrite.winner_value) == ("Director", "VP")
    assert overwrite.loser == (20, "A") and not overwrite.loser_is_incoming


def test_a_late_arriving_older_write_loses_and_is_kept() -> None:
    state, kept = apply_all(
        [
            change("a", 10, "A", name="x"),
            change("c", 30, "B", seen=1, title="new"),
            change("b", 20, "C", seen=1, title="old"),
        ]
    )
    assert state is not None and state.fields["title"] == "new"
    assert [k.loser_value for k in kept] == ["old"] and kept[0].loser_is_incoming


def test_an_overwrite_of_a_seen_value_is_no_conflict() -> None:
    _state, kept = apply_all(
        [change("a", 10, "A", title="one"), change("b", 20, "B", seen=1, title="two")]
    )
    assert kept == []


def test_a_device_overwriting_itself_out_of_order_is_no_conflict() -> None:
    state, kept = apply_all(
        [
            change("a", 10, "A", name="x"),
            change("c", 30, "A", title="2"),
            change("b", 20, "A", title="1"),
        ]
    )
    assert state is not None and state.fields["title"] == "2" and kept == []


def test_append_only_entities_never_conflict() -> None:
    state = merge_change(None, change("a", 10, "A", notes="x"), 1).state
    result = merge_change(state, change("b", 20, "B", notes="y"), 2, append_only=True)
    assert result.overwrites == [] and result.state.fields["notes"] == "y"


def test_edits_never_undo_a_delete_but_are_kept() -> None:
    state, kept = apply_all(
        [
            change("a", 10, "A", name="x"),
            change("d", 20, "A", op="delete", seen=1),
            change("e", 30, "B", seen=1, title="edited"),
        ]
    )
    assert state is not None and state.is_deleted
    [overwrite] = kept
    assert overwrite.kind == "delete" and overwrite.loser_value == {"name": "x", "title": "edited"}


def test_a_delete_over_unseen_edits_keeps_them() -> None:
    _state, kept = apply_all(
        [
            change("a", 10, "A", name="x"),
            change("e", 20, "B", seen=1, title="t"),
            change("d", 30, "A", op="delete", seen=1),
        ]
    )
    [overwrite] = kept
    assert overwrite.kind == "delete" and overwrite.loser_value["title"] == "t"


def test_a_newer_restore_brings_the_record_back() -> None:
    state, _ = apply_all(
        [
            change("a", 10, "A", name="x"),
            change("d", 20, "A", op="delete", seen=1),
            change("r", 30, "B", op="restore", seen=2, name="x", title="back"),
        ]
    )
    assert state is not None and not state.is_deleted and state.fields["title"] == "back"


def test_remote_wins_only_over_older_pending_writes() -> None:
    assert remote_wins((20, "B"), (10, "A"))
    assert not remote_wins((10, "B"), (20, "A"))
    assert remote_wins((10, "B"), None)


writes = st.lists(
    st.tuples(
        st.integers(1, 50),
        st.sampled_from("ABC"),
        st.sampled_from(["name", "title", "notes"]),
        st.text("xy", max_size=2),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda w: (w[0], w[1]),
)


@settings(max_examples=300)
@given(writes=writes, order=st.randoms(use_true_random=False))
def test_field_state_does_not_depend_on_arrival_order(writes, order) -> None:
    changes = [change(f"{h}{d}", h, d, **{f: v}) for h, d, f, v in writes]
    first, _ = apply_all(changes)
    shuffled = list(changes)
    order.shuffle(shuffled)
    second, _ = apply_all(shuffled)
    again, _ = apply_all(shuffled + shuffled)  # duplicates change nothing
    assert first is not None and second is not None and again is not None
    assert first.fields == second.fields == again.fields
    assert {k: v[:2] for k, v in first.versions.items()} == {
        k: v[:2] for k, v in second.versions.items()
    }
