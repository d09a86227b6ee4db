from datetime import UTC, date, datetime

import pytest

from crm_desktop.errors import ValidationError
from crm_desktop.services import validation as v


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("138 1234 5678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("+8613812345678", "+8613812345678"),
        ("+1 (415) 555-2671", "+14155552671"),
        ("+39 06 1234 5678", "+390612345678"),  # Italian leading zero kept
    ],
)
def test_phone_numbers_normalise_to_e164(raw, expected):
    assert v.phone_number("phone", raw) == expected


@pytest.mark.parametrize("raw", ["12", "abc", "+86 123", "+999 1234567", "+8600000000000"])
def test_invalid_phone_numbers_name_the_field(raw):
    with pytest.raises(ValidationError) as err:
        v.phone_number("phones", raw)
    assert err.value.field == "phones"
    assert err.value.code == "validation.phone"


def test_emails_normalise_domain_and_reject_bad_ones():
    assert v.email_address("email", " Li.Na@Example.COM ") == "Li.Na@example.com"
    assert v.email_address("email", "王@例子.中国") == "王@例子.中国"
    for bad in [
        "no-at-sign",
        "a@",
        "@b.com",
        "a b@c.com",
        "a@b",
        "x" * 250 + "@example.com",
        "a@b..com",
    ]:
        with pytest.raises(ValidationError) as err:
            v.email_address("email", bad)
        assert err.value.field == "email"


def test_dates_money_and_choices():
    assert v.parse_date("birthday", "1990-02-03") == date(1990, 2, 3)
    with pytest.raises(ValidationError):
        v.parse_date("birthday", "03/02/1990")
    assert v.parse_datetime("due", "2026-01-02T03:04:05+00:00") == datetime(
        2026, 1, 2, 3, 4, 5, tzinfo=UTC
    )
    assert v.money_cents("value", "1,234.56") == 123456
    for bad in ["-1", "abc", "NaN"]:
        with pytest.raises(ValidationError):
            v.money_cents("value", bad)
    assert v.currency_code("currency", "cny") == "CNY"
    with pytest.raises(ValidationError):
        v.currency_code("currency", "yuan")
    assert v.tag_list("tags", "vip, hot ,vip") == ["vip", "hot"]


def test_text_limits():
    with pytest.raises(ValidationError) as err:
        v.required_text("name", "   ")
    assert err.value.code == "validation.required"
    with pytest.raises(ValidationError) as err:
        v.required_text("name", "x" * 201)
    assert err.value.code == "validation.too_long"
    with pytest.raises(ValidationError):
        v.optional_text("notes", "a\x00b")


def test_the_mobile_shortcut_never_accepts_what_phonenumbers_refuses() -> None:
    import random

    import phonenumbers

    from crm_desktop.services.validation import _surely_mobile

    rng = random.Random(7)
    accepted = 0
    countries = [(86, (11, 10, 8)), (49, (10, 11)), (81, (10,)), (852, (8,)), (1, (10,))]
    for country, lengths in countries:
        for _ in range(1500):
            size = rng.choice(lengths)
            national = rng.randint(10 ** (size - 1), 10**size - 1)
            number = phonenumbers.PhoneNumber(country_code=country, national_number=national)
            if _surely_mobile(number):
                accepted += 1
                assert phonenumbers.is_valid_number(number), number
    assert accepted > 100  # the shortcut is taken, for real mobile numbers
    assert not _surely_mobile(phonenumbers.parse("+1 415 555 2671"))  # +1: several regions


def test_chinese_mobiles_and_landlines_stay_valid_and_bad_ones_not() -> None:
    from crm_desktop.services.validation import phone_number

    assert phone_number("p", "138 1234 5678") == "+8613812345678"
    assert phone_number("p", "010 6552 9988") == "+861065529988"  # landline: the full check
    with pytest.raises(ValidationError):
        phone_number("p", "+86 100 0000 0000")
