import pytest

from crm_desktop.errors import NotFoundError, ValidationError
from crm_desktop.services import contacts, custom_fields


def test_typed_custom_fields_validate_and_round_trip(store):
    custom_fields.define_field(store, "contact", "budget", "Budget", "number")
    custom_fields.define_field(
        store, "contact", "region", "Region", "choice", options=["North", "South"]
    )
    custom_fields.define_field(store, "contact", "met_on", "Met on", "date")
    custom_fields.define_field(store, "contact", "hobby", "Hobby", "text")
    cid = contacts.create_contact(
        store, {"name": "Dee"}, custom={"budget": "1500", "region": "North", "met_on": "2026-03-01"}
    ).value
    assert contacts.get_contact(store, cid).custom == {
        "budget": 1500,
        "region": "North",
        "met_on": "2026-03-01",
    }
    contacts.update_contact(store, cid, {}, custom={"budget": 2.5, "hobby": "chess"})
    assert contacts.get_contact(store, cid).custom == {
        "budget": 2.5,
        "region": "North",
        "met_on": "2026-03-01",
        "hobby": "chess",
    }
    contacts.update_contact(store, cid, {}, custom={"hobby": None})
    assert "hobby" not in contacts.get_contact(store, cid).custom
    for bad, field in [
        ({"budget": "lots"}, "budget"),
        ({"region": "East"}, "region"),
        ({"met_on": "soon"}, "met_on"),
        ({"colour": "red"}, "colour"),
    ]:
        with pytest.raises(ValidationError) as err:
            contacts.update_contact(store, cid, {}, custom=bad)
        assert err.value.field == field


def test_required_custom_field_is_enforced_on_create(store):
    custom_fields.define_field(store, "contact", "source_id", "Source id", "text", required=True)
    with pytest.raises(ValidationError) as err:
        contacts.create_contact(store, {"name": "Eve"})
    assert err.value.field == "source_id"
    assert contacts.create_contact(store, {"name": "Eve"}, custom={"source_id": "X1"}).value


def test_field_definitions_are_checked(store):
    with pytest.raises(ValidationError):
        custom_fields.define_field(store, "contact", "Bad Key", "x", "text")
    with pytest.raises(ValidationError):
        custom_fields.define_field(store, "contact", "kind", "Kind", "choice", options=[])
    with pytest.raises(ValidationError):
        custom_fields.define_field(store, "planet", "x", "X", "text")
    custom_fields.define_field(store, "deal", "po", "PO number", "text")
    with pytest.raises(ValidationError):
        custom_fields.define_field(store, "deal", "po", "PO again", "text")
    assert [f.key for f in custom_fields.list_fields(store, "deal")] == ["po"]


def test_fields_move_and_positions_are_renumbered(store):
    ids = [
        custom_fields.define_field(store, "deal", key, key.title(), "text").value
        for key in ("a", "b", "c")
    ]
    custom_fields.define_field(store, "contact", "other", "Other", "text")
    result = custom_fields.move_field(store, ids[2], -1)
    assert result.value == 1 and "custom_field" in result.changes.updated
    assert [f.key for f in custom_fields.list_fields(store, "deal")] == ["a", "c", "b"]
    assert custom_fields.move_field(store, ids[0], -5).value == 0  # clamped at the top
    assert not custom_fields.move_field(store, ids[0], -1).changes  # nothing to write
    assert custom_fields.move_field(store, ids[0], 9).value == 2
    fields = custom_fields.list_fields(store, "deal")
    assert [f.key for f in fields] == ["c", "b", "a"]
    assert [f.position for f in fields] == [0, 1, 2]
    assert [f.key for f in custom_fields.list_fields(store, "contact")] == ["other"]
    with pytest.raises(NotFoundError):
        custom_fields.move_field(store, "nope", 1)
