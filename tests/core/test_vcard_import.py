"""vCard import: 2.1 (quoted-printable, CHARSET), 3.0, 4.0, several cards, broken cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_desktop.errors import CrmError
from crm_desktop.services.contacts import get_contact
from crm_desktop.services.csv_import import import_vcards, plan_vcards
from crm_desktop.services.vcard import looks_like_vcard, read_vcards, vcard
from crm_desktop.store.engine import Store


def _qp(text: str, charset: str) -> str:
    """Quoted-printable as phones write it: every byte encoded, soft breaks at 76."""
    encoded = "".join(f"={b:02X}" for b in text.encode(charset))
    lines = [encoded[i : i + 72] for i in range(0, len(encoded), 72)]
    return "=\r\n".join(lines)


ANDROID_21 = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\n"
    f"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{_qp('张', 'utf-8')};{_qp('伟', 'utf-8')};;;\r\n"
    f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{_qp('张伟', 'utf-8')}\r\n"
    "TEL;CELL;PREF:138 1234 5678\r\n"
    "TEL;WORK:+86 10 6552 9988\r\n"
    "EMAIL;HOME:zhang.wei@example.com\r\n"
    "ADR;HOME;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;"
    f"{_qp('建国路88号北京市朝阳区很长很长的地址', 'utf-8')};;;;\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE:first line=0D=0Asecond line\r\n"
    "X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Wei;1;;;;;;;;;;;;;\r\n"
    "PHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n /9j/4AAQSkZJRgABAQAAAQABAAD\r\n\r\n"
    "END:VCARD\r\n"
)

OUTLOOK_GB2312 = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\n"
    "N;LANGUAGE=zh-cn;CHARSET=GB2312;ENCODING=QUOTED-PRINTABLE:"
    f"{_qp('李', 'gb2312')};{_qp('娜', 'gb2312')}\r\n"
    f"FN;CHARSET=GB2312;ENCODING=QUOTED-PRINTABLE:{_qp('李娜', 'gb2312')}\r\n"
    "ORG;CHARSET=GB2312;ENCODING=QUOTED-PRINTABLE:"
    f"{_qp('北京华信科技有限公司', 'gb2312')};{_qp('销售部', 'gb2312')}\r\n"
    f"TITLE;CHARSET=GB2312:{'经理'}\r\n"
    "TEL;WORK;VOICE:(010) 8888-6666\r\n"
    "EMAIL;PREF;INTERNET:lina@huaxin.cn\r\n"
    "X-MS-OL-DEFAULT-POSTAL-ADDRESS:2\r\n"
    "REV:20240101T120000Z\r\n"
    "END:VCARD\r\n"
)


def _outlook_bytes() -> bytes:
    # TITLE's value is raw GB2312 bytes (8-bit, no QP), as Outlook writes it.
    return (
        OUTLOOK_GB2312.replace("经理", "\x00")
        .encode("ascii")
        .replace(b"\x00", "经理".encode("gb2312"))
    )


VCARD_30 = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\n"
    "FN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
    "ORG:Analytical Engines Ltd\\, London;R&D\r\n"
    "TITLE:Analyst\r\n"
    "TEL;TYPE=CELL,VOICE:+44 7911 123456\r\n"
    "item1.EMAIL;TYPE=INTERNET,WORK:ada@example.org\r\n"
    "item1.X-ABLabel:_$!<Work>!$_\r\n"
    "BDAY:1815-12-10\r\n"
    "NOTE:Met at the\\nRoyal Society\\, 1833; likes poetry\r\n"
    "CATEGORIES:vip,math\r\n"
    "X-SOCIALPROFILE;TYPE=twitter:https://twitter.com/ada\r\n"
    "END:VCARD\r\n"
)

VCARD_40 = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\n"
    "FN:Grace Hopper\r\n"
    'TEL;VALUE=uri;TYPE="work,voice":tel:+1-415-555-2671\r\n'
    "EMAIL;TYPE=work:grace@navy.example\r\n"
    "BDAY:19061209\r\n"
    "ADR;TYPE=work:;;1 Main St;Arlington;VA;22201;USA\r\n"
    "NOTE:A very long note that goes on and on and on and is folded by the writ\r\n"
    " er at seventy-five octets.\r\n"
    "GENDER:F\r\nKIND:individual\r\nCLIENTPIDMAP:1;urn:uuid:abc\r\n"
    "END:VCARD\r\n"
)


def test_android_21_quoted_printable_utf8() -> None:
    [card] = read_vcards(ANDROID_21.encode("ascii")).cards
    values = card.values
    assert values["name"] == "张伟"
    assert values["phones"] == [
        {"label": "mobile", "number": "138 1234 5678"},
        {"label": "work", "number": "+86 10 6552 9988"},
    ]
    assert values["emails"] == [{"label": "home", "address": "zhang.wei@example.com"}]
    assert values["address"] == "建国路88号北京市朝阳区很长很长的地址"
    assert values["notes"] == "first line\nsecond line"
    assert "X-ANDROID-CUSTOM" in card.ignored and "PHOTO" in card.ignored


def test_outlook_21_gb2312_qp_and_raw_8bit() -> None:
    [card] = read_vcards(_outlook_bytes()).cards
    assert card.values["name"] == "李娜"
    assert card.values["company"] == "北京华信科技有限公司"
    assert card.values["title"] == "经理"
    assert card.values["phones"] == [{"label": "work", "number": "(010) 8888-6666"}]


def test_30_escapes_groups_and_categories() -> None:
    [card] = read_vcards(VCARD_30.encode()).cards
    values = card.values
    assert values["name"] == "Ada Lovelace"
    assert values["company"] == "Analytical Engines Ltd, London"
    assert values["emails"] == [{"label": "work", "address": "ada@example.org"}]
    assert values["birthday"] == "1815-12-10"
    assert values["notes"] == "Met at the\nRoyal Society, 1833; likes poetry"
    assert values["tags"] == ["vip", "math"]


def test_40_uri_phone_folding_and_unknown_properties() -> None:
    [card] = read_vcards(VCARD_40.encode()).cards
    values = card.values
    assert values["phones"] == [{"label": "work", "number": "+1-415-555-2671"}]
    assert values["birthday"] == "1906-12-09"
    assert values["address"] == "1 Main St, 22201 Arlington, VA, USA"
    assert values["notes"].endswith("folded by the writer at seventy-five octets.")
    assert {"GENDER", "KIND", "CLIENTPIDMAP"} <= set(card.ignored)


def test_many_cards_broken_one_reported_others_imported(tmp_path: Path, store: Store) -> None:
    broken = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken\r\nthis line has no colon\r\nEND:VCARD\r\n"
    no_name = "BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:+8613912345678\r\nEND:VCARD\r\n"
    bad_charset = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=KLINGON:x\r\nEND:VCARD\r\n"
    unterminated = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Never Ends\r\n"
    data = (
        ANDROID_21 + broken + VCARD_30 + no_name + bad_charset + VCARD_40 + unterminated
    ).encode("ascii")
    cards = read_vcards(data)
    report = import_vcards(store, cards)
    assert report.imported == 3
    assert report.unit == "card"
    reasons = dict(report.skipped)
    assert set(reasons) == {2, 4, 5, 7}
    assert "no ':'" in reasons[2] and "line 20" in reasons[2]
    assert "name is required" in reasons[4]
    assert "klingon" in reasons[5]
    assert "END:VCARD" in reasons[7]
    names = sorted(get_contact(store, i).contact.name for i in report.ids)
    assert names == ["Ada Lovelace", "Grace Hopper", "张伟"]
    zhang = next(
        get_contact(store, i) for i in report.ids if "张" in get_contact(store, i).contact.name
    )
    assert zhang.contact.phones[0]["number"] == "+8613812345678"


def test_company_from_org_is_linked(store: Store) -> None:
    report = import_vcards(store, read_vcards(_outlook_bytes()))
    assert get_contact(store, report.ids[0]).company_name == "北京华信科技有限公司"


def test_utf16_file_and_round_trip_of_our_export() -> None:
    ours = vcard(
        {
            "id": "x",
            "name": "王小明",
            "phones": [{"label": "work", "number": "+8613800000000"}],
            "notes": "a; b, c\nd",
            "tags": ["a,b", "c"],
        },
        company_name="华信",
    )
    cards = read_vcards(ours.encode("utf-16"))
    assert cards.encoding == "utf-16"
    [card] = cards.cards
    assert card.values["name"] == "王小明" and card.values["company"] == "华信"
    assert card.values["notes"] == "a; b, c\nd" and card.values["tags"] == ["a,b", "c"]


def test_not_a_vcard_is_a_clear_error() -> None:
    with pytest.raises(CrmError) as err:
        read_vcards(b"Name,Email\nAlice,a@example.com\n")
    assert err.value.code == "import.unreadable"


def test_detection_by_extension_and_content() -> None:
    assert looks_like_vcard(b"", "contacts.VCF")
    assert looks_like_vcard(b"\xef\xbb\xbf\r\nbegin:vcard\r\n", "export")
    assert looks_like_vcard("BEGIN:VCARD\r\n".encode("utf-16"), "x.txt")
    assert not looks_like_vcard(b"Name,Email\n", "x.csv")


def test_dry_plan_lists_ignored_properties() -> None:
    ready, report = plan_vcards(read_vcards(VCARD_40.encode()))
    assert len(ready) == 1 and report.skipped == []
    assert "GENDER" in report.ignored[0][1]
