"""Characters a stored text may not hold (review of issues 13 and 14): control characters and
characters XML 1.0 does not allow are refused by every import and admin form, removed from
the questionnaire's free texts, and replaced by U+FFFD when an older stored text is written to
XLSX, so no download fails and none is unreadable. Files in two encodings at once are refused.
"""

import io

import pytest
from django.contrib.auth.models import Group
from openpyxl import Workbook, load_workbook

from surveys import rules
from surveys.models import Invitation, Workplace, WorkplaceType
from surveys.services.invitations import InvitationFileError, import_invitations
from surveys.tabular.reading import TableFileError, read_table
from surveys.tabular.writing import append_xlsx_rows
from tests.test_formula_cells import _with_description

HEADER = "workplace,workplace_type,municipality,employees,email,external_id,language,organisation_number\n"
BAD = ["\x0b", "\x01", "\x1f", "\x7f", "\x85", "\ufffe", "\uffff"]


@pytest.mark.parametrize("character", BAD)
def test_an_invitation_file_with_a_control_character_is_refused(national_round, municipality, character):
    data = (HEADER + f"Skole{character}A,primary_school,{municipality.number},30,a@example.invalid,,nb,\n").encode()
    with pytest.raises(InvitationFileError, match=f"line 2, column workplace: .*U\\+{ord(character):04X}"):
        import_invitations(national_round, io.BytesIO(data))
    assert not Workplace.objects.filter(name__startswith="Skole").exists()


@pytest.mark.parametrize("character", BAD)
def test_an_xlsx_cell_written_from_any_stored_text_is_readable(tmp_path, character):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("ark")
    append_xlsx_rows(sheet, [["navn"], [f"a{character}b"]])
    workbook.save(tmp_path / "ark.xlsx")
    assert load_workbook(tmp_path / "ark.xlsx")["ark"]["A2"].value == "a\ufffdb"


def test_the_non_respondent_workbook_survives_an_old_name_with_a_control_character(
    admin_client, national_round, municipality
):
    workplace = Workplace.objects.create(
        name="Gammel\x0bskole", workplace_type=WorkplaceType.PRIMARY_SCHOOL, municipality=municipality
    )
    Invitation.objects.create(round=national_round, workplace=workplace, email="g@example.invalid")
    response = admin_client.get(f"/statistikk/runder/{national_round.slug}/ikke-svart.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert "Gammel\ufffdskole" in [cell.value for row in sheet.iter_rows() for cell in row]


def test_the_raw_workbook_survives_an_old_answer_with_a_noncharacter(
    client, django_user_model, national_round, municipality
):
    _with_description(national_round, municipality, "Ny\uffff tjeneste\ufffe")
    analyst = django_user_model.objects.create_user("analytiker", password="correct-horse-battery")
    analyst.groups.add(Group.objects.get(name="Analytikere"))
    client.force_login(analyst)
    xlsx = client.get(f"/statistikk/data/svar.xlsx?round={national_round.slug}").getvalue()
    sheet = load_workbook(io.BytesIO(xlsx))["svar"]
    assert "Ny\ufffd tjeneste\ufffd" in [cell.value for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("character", BAD)
def test_a_free_text_answer_is_stored_without_disallowed_characters(character):
    assert rules.normalise_text(f"Ny{character} tjeneste\nlinje 2\tx") == "Ny tjeneste\nlinje 2\tx"


def test_an_admin_form_refuses_a_control_character(admin_client, workplace):
    url = f"/admin/surveys/workplace/{workplace.pk}/change/"
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data = {key: value for key, value in data.items() if not isinstance(value, list | tuple)}
    data["name"] = "Eksempel\x0bvik skole"
    data["municipality"] = workplace.municipality_id
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "U+000B" in response.content.decode()
    workplace.refresh_from_db()
    assert workplace.name == "Eksempelvik skole"


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_a_utf8_file_with_one_windows_1252_row_is_refused_naming_the_encodings(end):
    data = f"navn,kommune{end}Åsen skole,0301{end}".encode() + f"Øvre skole,0301{end}".encode("cp1252")
    with pytest.raises(TableFileError, match="mixes two encodings: line 2 has UTF-8 text, but line 3 is not UTF-8"):
        read_table(data, required=("navn",))


def test_a_utf8_file_with_double_encoded_text_is_refused():
    data = ("navn,kommune\n" + "Åsen skole".encode().decode("cp1252") + ",0301\n").encode()
    with pytest.raises(
        TableFileError, match=r"line 2, column navn: 'Ã…sen skole' looks like UTF-8 text that was encoded twice"
    ):
        read_table(data, required=("navn",))


def test_norwegian_windows_1252_and_utf8_files_are_still_read():
    for data in ("navn;kommune\nÆrøy og Å,0301\n".encode("cp1252"), "navn;kommune\nÆrøy og Å,0301\n".encode()):
        assert read_table(data, required=("navn",)).rows[0][1]["navn"] == "Ærøy og Å,0301"


def test_an_invitation_file_with_non_ascii_digits_for_employees_is_refused(national_round, municipality):
    data = (HEADER + f"Skole A,primary_school,{municipality.number},٣,a@example.invalid,,nb,\n").encode()
    with pytest.raises(InvitationFileError, match="employees '٣' is not a whole number"):
        import_invitations(national_round, io.BytesIO(data))


def test_a_question_set_file_with_a_control_character_escape_is_refused(tmp_path):
    import json

    from surveys.services.questionsets import QuestionSetFileError, load_questionset_file
    from tests.conftest import QUESTIONSET_FILE

    data = json.loads(QUESTIONSET_FILE.read_text(encoding="utf-8-sig"))
    data["sections"][0]["questions"][0]["text"]["nb"] += "\u000b"
    path = tmp_path / "sett.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(QuestionSetFileError, match=r"\(file\)\.sections\[0\]\.questions\[0\]\.text\.nb: .*U\+000B"):
        load_questionset_file(path)


@pytest.mark.parametrize(
    "name",
    ["Barnehagen “BØ”", "KRAGERØ°", "Ørsta «Ø»", "MÜ€LLER"],
)
def test_a_windows_1252_letter_before_a_symbol_is_not_taken_for_utf8(name):
    """Ø (0xD8) before a byte of 0x80-0xBF looks like a UTF-8 pair; the rest of the file decides."""
    data = f"navn;kommune\nØvre skole;0301\n{name};3814\n".encode("cp1252")
    table = read_table(data, required=("navn",))
    assert table.encoding == "Windows-1252"
    assert [row["navn"] for _line, row in table.rows] == ["Øvre skole", name]


@pytest.mark.parametrize("name", ["KRAGERØ° skole", "Evenes - Evenášši"])
@pytest.mark.parametrize("other_line", ["Øvre skole", "Oslo"])
def test_a_windows_1252_file_that_is_valid_utf8_by_chance_is_read_as_windows_1252(name, other_line):
    """ "ášš" is E1 9A 9A in Windows-1252, a valid UTF-8 sequence for the Ogham U+169A; "Ø°"
    is D8 B0, the Arabic U+0630. SSB's register saved by Excel as "CSV (semikolonseparert)"
    was refused as mixed ("Evenášši" beside "Ørland"), and a file whose only such line was
    "KRAGERØ°" was read as UTF-8 and stored "KRAGERذ" (found by a tester)."""
    data = f"navn;kommune\n{other_line};0301\n{name};3814\n".encode("cp1252")
    table = read_table(data, required=("navn",))
    assert table.encoding == "Windows-1252"
    assert [row["navn"] for _line, row in table.rows] == [other_line, name]


def test_utf8_files_with_sami_letters_and_punctuation_stay_utf8():
    for text in ("Evenes - Evenášši", "Kautokeino – Guovdageaidnu", "Skole № 1"):
        table = read_table(f"navn;kommune\n{text};5430\n".encode(), required=("navn",))
        assert (table.encoding, table.rows[0][1]["navn"]) == ("UTF-8", text)


def test_a_pasted_utf8_row_in_another_script_is_still_refused():
    data = "navn;kommune\nØvre skole;0301\n".encode("cp1252") + "Школа Иван;0301\n".encode()
    with pytest.raises(TableFileError, match="mixes two encodings: line 3 has UTF-8 text, but line 2 is not UTF-8"):
        read_table(data, required=("navn",))
