"""Reading pasted lists and CSV files of people to invite (no database needed)."""

from __future__ import annotations

import time

import pytest

from coopilote.accounts.tests.helpers import in_french
from coopilote.spaces.invitation_import import (
    MAX_FILE_BYTES,
    ImportRefused,
    decode_upload,
    parse_csv,
    parse_pasted,
)


def summary(batch):
    return [(line.number, line.email, line.name, line.role, line.errors) for line in batch.lines]


def test_a_pasted_list_reads_every_usual_format():
    batch = parse_pasted(
        "alice@example.org\n"
        "\n"
        "Bruno Martin <Bruno@Example.org>\n"
        '"Chloé Petit" <chloe@example.org>; observatrice\n'
        "dan@example.org, Dan Roy, animateur\n"
        "eve@example.org; Eve Blanc; Propriétaire\n"
        "Farid Ali, farid@example.org\n"
        "gil@example.org\tGil\tmembre\n",
        default_role="member",
    )
    assert summary(batch) == [
        (1, "alice@example.org", "", "member", []),
        (3, "bruno@example.org", "Bruno Martin", "member", []),
        (4, "chloe@example.org", "Chloé Petit", "observer", []),
        (5, "dan@example.org", "Dan Roy", "facilitator", []),
        (6, "eve@example.org", "Eve Blanc", "owner", []),
        (7, "farid@example.org", "Farid Ali", "member", []),
        (8, "gil@example.org", "Gil", "member", []),
    ]


def test_several_addresses_on_one_pasted_line_are_several_people():
    batch = parse_pasted(
        "a@example.org, b@example.org, c@example.org\nd@example.org; e@example.org",
        default_role="observer",
    )
    assert [(line.number, line.email, line.role, line.valid) for line in batch.lines] == [
        (1, "a@example.org", "observer", True),
        (1, "b@example.org", "observer", True),
        (1, "c@example.org", "observer", True),
        (2, "d@example.org", "observer", True),
        (2, "e@example.org", "observer", True),
    ]


def test_each_bad_pasted_line_says_what_is_wrong_and_names_the_first_of_a_duplicate():
    batch = parse_pasted(
        "not-an-address\n"
        "ok@example.org; Ok; chef\n"
        "x@example.org; <b>X</b>\n"
        "dup@example.org\n"
        "DUP@example.org; Again\n"
        "a@example.org; b; member; extra\n",
        default_role="member",
    )
    errors = {line.number: line.errors for line in batch.lines}
    assert errors[1] == [
        in_french("“%(value)s” is not a valid email address.", value="not-an-address")
    ]
    assert errors[2] == [
        in_french(
            "Unknown role “%(value)s”: write owner, facilitator, member or observer.",
            value="chef",
        )
    ]
    assert errors[3] == [in_french("HTML tags are not accepted here; please write plain text.")]
    assert errors[4] == []
    assert errors[5] == [in_french("Same address as line %(line)d.", line=4)]
    assert errors[6] == [
        in_french("Too many parts: write the address, then the name, then the role.")
    ]
    assert len(batch.valid_lines) == 1


def test_a_pasted_list_longer_than_the_daily_limit_is_refused_in_one_message(settings):
    settings.SPACES_INVITATIONS_PER_DAY = 3
    with pytest.raises(ImportRefused) as refused:
        parse_pasted("\n".join(f"p{i}@example.org" for i in range(4)), default_role="member")
    assert "4" in refused.value.message
    assert "3" in refused.value.message
    assert refused.value.message.count("\n") == 0


def test_a_csv_with_bom_semicolons_and_french_headers_is_read():
    data = (
        "\ufeffCourriel;Nom;Rôle\r\nana@example.org;Ana Sousa;Animatrice\r\nbob@example.org;;\r\n"
    )
    batch = parse_csv(decode_upload(data.encode("utf-8")), default_role="observer")
    assert summary(batch) == [
        (2, "ana@example.org", "Ana Sousa", "facilitator", []),
        (3, "bob@example.org", "", "observer", []),
    ]


def test_a_cp1252_csv_keeps_its_accents():
    data = "Nom,Adresse,Role\nHélène Côté,helene@example.org,observateur\n".encode("cp1252")
    batch = parse_csv(decode_upload(data), default_role="member")
    assert summary(batch) == [(2, "helene@example.org", "Hélène Côté", "observer", [])]


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("email,name,role", ","),
        ("E-mail;NOM;rôle", ";"),
        ("adresse\tnom\trole", "\t"),
        ("Adresse e-mail,Nom complet,Role", ","),
    ],
)
def test_csv_header_variants_and_delimiters_are_recognised(header, delimiter):
    text = header + "\n" + delimiter.join(["zoe@example.org", "Zoé", "member"]) + "\n"
    batch = parse_csv(text, default_role="observer")
    assert summary(batch) == [(2, "zoe@example.org", "Zoé", "member", [])]


def test_columns_may_come_in_any_order_and_extra_empty_cells_are_fine():
    batch = parse_csv("nom,role,email,\nLéa,owner,lea@example.org,\n", default_role="member")
    assert summary(batch) == [(2, "lea@example.org", "Léa", "owner", [])]


def test_broken_csv_lines_and_duplicates_get_their_own_messages():
    text = (
        "email;name;role\n"
        "one@example.org;One;member\n"
        "two@example.org;Two;member;surprise\n"
        ";Nobody;member\n"
        "one@example.org;Again;member\n"
        'three@example.org;"Three;member\n'
        "four@example.org;Four;member\n"
    )
    batch = parse_csv(text, default_role="member")
    errors = {line.number: line.errors for line in batch.lines}
    assert errors[2] == []
    assert errors[3] == [
        in_french("This line has %(count)d columns, the header has %(width)d.", count=4, width=3)
    ]
    assert errors[4] == [in_french("No email address on this line.")]
    assert errors[5] == [in_french("Same address as line %(line)d.", line=2)]
    # The unclosed quote swallows the rest of the file: that line says so.
    assert in_french("A quotation mark is not closed on this line.") in errors[7]
    assert len(batch.valid_lines) == 1


def test_a_csv_without_an_email_column_is_refused_with_the_accepted_names():
    with pytest.raises(ImportRefused) as refused:
        parse_csv("prénom,ville\nAna,Lyon\n", default_role="member")
    assert "courriel" in refused.value.message


def test_a_csv_without_header_row_is_read_as_email_name_role():
    batch = parse_csv("ana@example.org,Ana,observer\n", default_role="member")
    assert summary(batch) == [(1, "ana@example.org", "Ana", "observer", [])]


def test_a_ten_thousand_line_csv_is_refused_at_once_with_one_message():
    text = "email,name\n" + "".join(f"p{i}@example.org,Person {i}\n" for i in range(10_000))
    started = time.monotonic()
    with pytest.raises(ImportRefused) as refused:
        parse_csv(text, default_role="member")
    assert time.monotonic() - started < 1
    assert "10000" in refused.value.message


def test_binary_and_oversized_data_are_refused():
    with pytest.raises(ImportRefused):
        decode_upload(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(ImportRefused):
        parse_csv("email\n" + "a" * MAX_FILE_BYTES, default_role="member")
