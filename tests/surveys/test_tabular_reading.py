"""Issue 14 item 5: one reader for every imported file, as Norwegian Excel saves them."""

import contextlib
import io
import re
import zipfile
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from surveys.models import Invitation, Municipality, PopulationCell
from surveys.services.invitations import InvitationFileError, import_invitations
from surveys.services.registers import RegisterFileError, import_municipalities
from surveys.tabular import reading
from surveys.tabular.reading import TableFileError, county_number, municipality_number, read_table

MUNICIPALITIES = "number;name;county;population;centrality\r\n301;Ås-test;3;700000;1\r\n9931;Bø i Øst;46;1200;6\r\n"


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "encoding", "separator"),
    [
        (MUNICIPALITIES.encode("cp1252"), "Windows-1252", ";"),
        (MUNICIPALITIES.encode("utf-8"), "UTF-8", ";"),
        (MUNICIPALITIES.encode("utf-8-sig"), "UTF-8", ";"),
        (MUNICIPALITIES.replace(";", ",").encode("cp1252"), "Windows-1252", ","),
        (MUNICIPALITIES.replace(";", ",").encode("utf-8-sig"), "UTF-8", ","),
    ],
)
def test_encodings_and_separators_excel_writes_are_read(data, encoding, separator):
    table = read_table(data, required=("number", "name"))
    assert (table.encoding, table.separator) == (encoding, separator)
    assert table.columns == ["number", "name", "county", "population", "centrality"]
    assert [row["name"] for _line, row in table.rows] == ["Ås-test", "Bø i Øst"]
    assert [line for line, _row in table.rows] == [2, 3]


def test_utf16_unicode_text_is_named():
    with pytest.raises(TableFileError, match="UTF-16"):
        read_table(MUNICIPALITIES.encode("utf-16"), required=("number",))


def test_a_file_in_neither_encoding_is_named():
    with pytest.raises(TableFileError, match="neither UTF-8 nor Windows-1252"):
        read_table(b"number;name\r\n301;\x81\x8d\r\n", required=("number",))


def test_another_separator_is_named():
    with pytest.raises(TableFileError, match="separated by tab"):
        read_table(MUNICIPALITIES.replace(";", "\t").encode(), required=("number", "name"))


def test_missing_columns_say_how_the_file_was_read():
    with pytest.raises(TableFileError) as excinfo:
        read_table("nummer;navn\r\n301;Oslo\r\n".encode("cp1252"), required=("number", "name"))
    assert excinfo.value.errors == ["line 1: missing column(s) number, name (read as UTF-8 text separated by ';')"]


def test_excel_numbers_get_their_digits_back():
    assert municipality_number(301) == "0301"
    assert municipality_number("301.0") == "0301"
    assert municipality_number(" 4601 ") == "4601"
    assert municipality_number("oslo") == "oslo"
    assert county_number(3) == "03"
    assert county_number("46") == "46"


def test_xlsx_is_read_with_numbers_as_text():
    data = xlsx([["number", "name", "county", "population", "centrality"], [301, "Ås-test", 3, 700000, 1], [None]])
    table = read_table(data, required=("number",))
    assert table.encoding == "xlsx"
    assert table.rows == [(2, {"number": "301", "name": "Ås-test", "county": "3", "population": "700000",
                               "centrality": "1"})]  # fmt: skip


def test_municipalities_from_windows_1252_semicolon_file_and_xlsx(register):
    result = import_municipalities(io.BytesIO(MUNICIPALITIES.encode("cp1252")))
    assert result.created == 2
    assert Municipality.objects.get(number="0301").county.number == "03"
    assert Municipality.objects.get(number="9931").name == "Bø i Øst"
    again = import_municipalities(
        xlsx([["number", "name", "county", "population", "centrality"], [301, "Ås-test", 3, 700000, 2]])
    )
    assert (again.created, again.updated) == (0, 1)
    assert Municipality.objects.get(number="0301").centrality == 2


def test_a_bad_file_is_refused_by_every_import_command(national_round, register, tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes("workplace\tworkplace_type\r\n".encode("utf-16"))
    commands = [
        ("import_municipalities", str(path)),
        ("create_invitations", "--round", national_round.slug, str(path)),
        ("import_responses", "--round", national_round.slug, str(path)),
        ("load_population", "--round", national_round.slug, str(path)),
    ]
    for command in commands:
        with pytest.raises(CommandError, match="UTF-16"):
            call_command(*command)


def test_invitations_and_population_from_xlsx(national_round, register):
    data = xlsx([
        ["workplace", "workplace_type", "municipality", "employees", "email"],
        ["Prøvedal barnehage", "kindergarten", 9901, 18, "styrer@example.invalid"],
    ])  # fmt: skip
    assert import_invitations(national_round, data).invitations_created == 1
    assert Invitation.objects.get().workplace.municipality.number == "9901"
    from surveys.services.population import load_population

    assert load_population(national_round, xlsx([["workplace_type", "region", "workplaces"],
                                                  ["kindergarten", "vestlandet", 120]])) == 1  # fmt: skip
    assert PopulationCell.objects.get().workplaces == 120


def test_register_errors_still_name_lines(register):
    with pytest.raises(RegisterFileError, match="line 2: number 'x'"):
        import_municipalities("number;name;county;population;centrality\nx;A;46;10;1\n".encode("cp1252"))


def test_empty_trailing_columns_excel_leaves_are_dropped_and_surplus_cells_kept():
    table = read_table(b"number;name;;\r\n301;Oslo;;\r\n302;Bergen;x;\r\n;;;\r\n", required=("number", "name"))
    assert table.columns == ["number", "name"]
    assert table.rows == [(2, {"number": "301", "name": "Oslo"}), (3, {"number": "302", "name": "Bergen", None: ["x"]})]


def test_rows_are_numbered_by_the_file_line_they_start_on():
    """A quoted cell with a line break makes its record span two lines: the next record's
    problem is reported on the line an editor shows it on, not one line too early."""
    data = b'number,name\r\n301,"Oslo\r\nsentrum"\r\n\r\n302,Bergen\r\n303,"A\nB\nC"\n304,D\n'
    table = read_table(data, required=("number", "name"))
    assert [line for line, _row in table.rows] == [2, 5, 6, 9]
    assert table.rows[0][1]["name"] == "Oslo\r\nsentrum"


def test_a_register_error_after_a_multi_line_cell_names_the_file_line(register):
    data = 'number,name,county,population,centrality\n9901,"Ny\nkommune",46,10,1\n9902,X,46,many,1\n'
    with pytest.raises(RegisterFileError) as excinfo:
        import_municipalities(io.StringIO(data))
    # The name itself is refused (a name stands on one line); the next row keeps its file line.
    assert excinfo.value.errors[0].startswith("line 2: name 'Ny\\nkommune' holds a line break")
    assert excinfo.value.errors[1].startswith("line 4: population 'many'")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("number,name,name,county,population,centrality",
         "line 1, column 3: the column 'name' appears twice, in columns 2 and 3; remove or rename one"),
        ("number, name ,Name,county,population,centrality",
         "line 1, column 3: the column 'name' appears twice (as 'Name'), in columns 2 and 3; remove or rename one"),
    ],
)  # fmt: skip
def test_a_repeated_column_is_refused_rather_than_the_last_one_winning(register, header, message):
    oslo = Municipality.objects.create(number="0301", name="Oslo", county_id="03", population=1, centrality=1)
    with pytest.raises(RegisterFileError) as excinfo:
        import_municipalities(io.StringIO(header + "\n0301,Oslo,Bergen,03,709037,1\n"))
    assert excinfo.value.errors == [message]
    oslo.refresh_from_db()
    assert oslo.name == "Oslo"


def test_a_repeated_column_in_an_invitation_file_is_refused(national_round, register):
    from surveys.services.invitations import InvitationFileError

    data = "workplace,workplace_type,municipality,employees,email,email\nSkole,primary_school,9901,3,a@x.invalid,b\n"
    with pytest.raises(InvitationFileError, match="the column 'email' appears twice, in columns 5 and 6"):
        import_invitations(national_round, io.StringIO(data))
    assert not Invitation.objects.exists()


def test_a_repeated_column_in_a_workbook_is_refused():
    with pytest.raises(TableFileError, match="the column 'number' appears twice"):
        read_table(xlsx([["number", "name", "Number"], [301, "Oslo", 4601]]), required=("number", "name"))


def test_headers_are_matched_without_regard_to_case(national_round, register):
    data = " Number ;NAME;County;Population;Centrality\r\n9901;Nytt navn;46;12000;4\r\n"
    table = read_table(data.encode("cp1252"), required=("number", "name", "county", "population", "centrality"))
    assert (table.separator, table.columns) == (";", ["number", "name", "county", "population", "centrality"])
    assert import_municipalities(io.StringIO(data)).updated == 1
    assert Municipality.objects.get(number="9901").name == "Nytt navn"
    population = "Workplace_Type,REGION,Workplaces\nkindergarten,vestlandet,120\n"
    from surveys.services.population import load_population

    assert load_population(national_round, io.StringIO(population)) == 1


def test_only_required_columns_are_matched_without_regard_to_case():
    """Columns the caller did not name keep their spelling, so two codes that differ in case stay two columns."""
    table = read_table(b"number,Q1,q1\n301,a,b\n", required=("number",))
    assert table.columns == ["number", "Q1", "q1"]
    assert read_table(b"Q1,q1\na,b\n", required=("Q1", "q1")).columns == ["Q1", "q1"]


def test_a_formula_without_a_stored_value_is_named_not_read_as_empty(national_round, register):
    """openpyxl and other programs write formulas without their result; only Excel computes it."""
    from surveys.services.population import PopulationFileError, load_population

    data = xlsx([["workplace_type", "region", "workplaces"], ["kindergarten", "vestlandet", "=100*2"]])
    with pytest.raises(PopulationFileError) as excinfo:
        load_population(national_round, data)
    assert excinfo.value.errors == [
        "line 2, column workplaces: the cell holds a formula (=100*2) without a stored value; open the file in "
        "Excel and save it again (or paste the values in place of the formulas) first"
    ]
    assert not PopulationCell.objects.exists()
    with pytest.raises(TableFileError, match="line 1, column 2: the cell holds a formula"):
        read_table(xlsx([["number", '="na"&"me"'], [301, "Oslo"]]), required=("number",))


def test_text_that_starts_with_an_equals_sign_is_text_in_a_workbook():
    workbook = Workbook()
    workbook.active.append(["number", "name"])
    workbook.active.append([301, "=Oslo"])
    workbook.active["B2"].data_type = "s"  # text, as Excel stores '=Oslo
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), required=("number",))
    assert table.rows == [(2, {"number": "301", "name": "=Oslo"})]


def test_whole_numbers_are_ascii_digits_with_spaces_between_thousands():
    from surveys.tabular.reading import whole_number

    assert [whole_number(t) for t in ("0", " 709037 ", "1 234", "1\u00a0234", "1\u202f234\u202f567")] == [
        0, 709037, 1234, 1234, 1234567]  # fmt: skip
    for text in ("", "7_09037", "٣", "١٢", "-5", "+5", "12 34", "1 2345", "1.5", "1e3", "1,234", "1  234"):
        with pytest.raises(ValueError):
            whole_number(text)


# --- A workbook is read once, twice only when it holds formulas ------------------------------


def rewrite_sheet(data: bytes, edit) -> bytes:
    """The workbook ``data`` with its first sheet's XML passed through ``edit`` (text to text)."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = edit(content.decode()).encode()
            target.writestr(item, content)
    return buffer.getvalue()


def with_sheet_xml(data: bytes, replacements: dict[str, str]) -> bytes:
    """The workbook ``data`` with text of its first sheet's XML replaced: what Excel and other
    programs write that openpyxl does not (a formula with its stored result, shared formulas)."""

    def edit(text: str) -> str:
        for old, new in replacements.items():
            assert old in text, old
            text = text.replace(old, new)
        return text

    return rewrite_sheet(data, edit)


@contextlib.contextmanager
def counted(owner, name: str):
    """Count the calls of ``owner.name`` (a function on a class), which still runs."""
    original = getattr(owner, name)
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    with mock.patch.object(owner, name, wrapper):
        yield calls


@contextlib.contextmanager
def counted_workbook_reads():
    """The workbooks openpyxl loads while the block runs."""
    from openpyxl.reader.excel import ExcelReader

    with counted(ExcelReader, "read") as loaded:
        yield loaded


def _responses_file(national_round, municipality, path):
    from surveys.models import Round, RoundKind, WorkplaceType
    from surveys.services.response_files import export_rows, write_xlsx
    from tests.builders import ResponseBuilder, innovator

    factors = ("safe_operations", "mistakes", "internal_collaboration", "technology", "economy",
               "employee_involvement", "user_involvement", "political")  # fmt: skip
    ResponseBuilder(national_round).submitted(
        workplace_type=WorkplaceType.PRIMARY_SCHOOL,
        municipality=municipality,
        answers=innovator(**{f"factor_{factor}": ["4"] for factor in factors}),
    )
    rows = list(export_rows(national_round, full=True))
    write_xlsx(path, {"svar": rows})
    target = Round.objects.create(
        slug="kopi", name="Kopi", kind=RoundKind.NATIONAL, question_set=national_round.question_set,
        opens_at=national_round.opens_at, closes_at=national_round.closes_at,
    )  # fmt: skip
    return target


@pytest.mark.parametrize("command", ["import_municipalities", "create_invitations", "load_population",
                                     "import_responses"])  # fmt: skip
def test_every_import_reads_a_workbook_without_formulas_once(national_round, municipality, tmp_path, command):
    path = tmp_path / "fil.xlsx"
    arguments = ["--round", national_round.slug, str(path)]
    if command == "import_municipalities":
        path.write_bytes(xlsx([["number", "name", "county", "population", "centrality"], [301, "Ås-test", 3, 7, 1]]))
        arguments = [str(path)]
    elif command == "create_invitations":
        header = ["workplace", "workplace_type", "municipality", "employees", "email"]
        path.write_bytes(xlsx([header, ["Prøvedal barnehage", "kindergarten", 9901, 18, "styrer@example.invalid"]]))
    elif command == "load_population":
        path.write_bytes(xlsx([["workplace_type", "region", "workplaces"], ["kindergarten", "vestlandet", 120]]))
    else:
        arguments[1] = _responses_file(national_round, municipality, path).slug
    with counted_workbook_reads() as loaded:
        call_command(command, *arguments, stdout=io.StringIO())
    assert len(loaded) == 1


def test_a_workbook_with_formulas_is_read_again_for_them():
    data = xlsx([["workplace_type", "region", "workplaces"], ["kindergarten", "vestlandet", "=100*2"]])
    with counted_workbook_reads() as loaded, pytest.raises(TableFileError, match="without a stored value"):
        read_table(data, required=("workplaces",))
    assert len(loaded) == 2
    prefixed = with_sheet_xml(
        xlsx([["workplaces"], [7]]), {'<c r="A2" t="n"><v>7</v></c>': '<c r="A2"><x:f>3+4</x:f><v>7</v></c>'}
    )
    assert reading._holds_formulas(prefixed)
    assert not reading._holds_formulas(xlsx([["workplaces", "note"], [7, "<f>=1+1</f> & <x:f>"]]))


def test_formulas_read_as_their_stored_results_and_named_without_them():
    """A formula Excel computed reads as its result; one without a result (openpyxl writes
    them so; a shared formula's other cells hold only a reference to the first) is named
    with its formula, as the cell would compute it; an empty cell stays empty."""
    data = xlsx([["number", "total", "note"], [301, 5, "x"], [302, 7, None], [303, 9, None]])
    stored = with_sheet_xml(
        data,
        {
            '<c r="B2" t="n"><v>5</v></c>': '<c r="B2"><f>A2-296</f><v>5</v></c>',
            '<c r="B3" t="n"><v>7</v></c>': '<c r="B3"><f t="shared" ref="B3:B4" si="0">A3-295</f><v>7</v></c>',
            '<c r="B4" t="n"><v>9</v></c>': '<c r="B4"><f t="shared" si="0"/><v>9</v></c>',
        },
    )
    assert [row["total"] for _line, row in read_table(stored, required=("number",)).rows] == ["5", "7", "9"]
    unstored = with_sheet_xml(
        data,
        {
            '<c r="B3" t="n"><v>7</v></c>': '<c r="B3"><f t="shared" ref="B3:B4" si="0">A3-295</f><v>7</v></c>',
            '<c r="B4" t="n"><v>9</v></c>': '<c r="B4"><f t="shared" si="0"/></c>',
        },
    )
    with pytest.raises(TableFileError) as refused:
        read_table(unstored, required=("number",))
    assert refused.value.errors == [
        "line 4, column total: the cell holds a formula (=A4-295) without a stored value; open the file in Excel "
        "and save it again (or paste the values in place of the formulas) first"
    ]


def _truncated(text: str) -> str:
    return text[: len(text) // 2]


@pytest.mark.parametrize(
    "damage",
    [
        {'<c r="A2" t="n"><v>301</v></c>': '<c r="A2" t="n"><v>abc</v></c>'},
        {'<c r="A2" t="n"><v>301</v></c>': '<c r="A2" t="d"><v>2026-13-45</v></c>'},
        {'<c r="A2" t="n"><v>301</v></c>': '<c r="A!2" t="n"><v>301</v></c>'},
        {'<c r="A2" t="n"><v>301</v></c>': '<c r="A2" t="s"><v>999</v></c>'},
        _truncated,
    ],
    ids=["text-in-a-number", "impossible-date", "bad-reference", "missing-shared-string", "truncated-xml"],
)
def test_a_damaged_sheet_is_refused_as_an_unreadable_workbook(damage):
    """A workbook whose cells openpyxl cannot read (damaged by hand or by another program) is
    refused with the reader's message, however far into the sheet the damage lies."""
    data = xlsx([["number", "name"], [301, "Oslo"]])
    damaged = rewrite_sheet(data, damage) if callable(damage) else with_sheet_xml(data, damage)
    with pytest.raises(TableFileError, match=r"not a readable Excel workbook \(\.xlsx\)"):
        read_table(damaged, required=("number",))


@pytest.mark.parametrize(
    "data",
    [
        b"number;name\r301;Oslo\r302;Bergen\r",
        b"number;name\n301;Oslo\n302;Bergen\n",
    ],
    ids=["cr-only", "lf-only"],
)
def test_every_line_ending_is_read(data):
    """Old Mac programs end lines with a carriage return only; the header and the rows are
    found as with any other line ending."""
    table = read_table(data, required=("number", "name"))
    assert table.separator == ";"
    assert [(line, row["name"]) for line, row in table.rows] == [(2, "Oslo"), (3, "Bergen")]


@pytest.mark.parametrize("where", ["header", "row"])
def test_a_cell_longer_than_csv_allows_is_refused_clearly(where):
    huge = "x" * 200_000
    header, row = ("number;" + huge, "301;Oslo") if where == "header" else ("number;name", "301;" + huge)
    with pytest.raises(TableFileError, match="not valid CSV"):
        read_table(f"{header}\r\n{row}\r\n".encode(), required=("number",))


def test_a_workbook_that_unpacks_to_far_more_than_its_size_is_not_read():
    """A "zip bomb": a part of 40 MB of one repeated byte packs to some 40 KB. openpyxl
    would hold its shared strings in memory (a tester's 1 GB part took 1.2 GB of RAM); it is
    refused from the archive's own sizes, before anything is unpacked."""
    data = xlsx([["number", "name"], [301, "Oslo"]])
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/sharedStrings.xml" or item.filename == "docProps/app.xml":
                content += b" " * (40 * 2**20)
            target.writestr(item.filename, content)
    with counted_workbook_reads() as loaded, pytest.raises(TableFileError, match="more than 100 times its size"):
        read_table(buffer.getvalue(), required=("number",))
    assert loaded == []


def test_a_workbook_of_ordinary_packing_is_read_whatever_its_size(monkeypatch):
    """The ratio is what tells a bomb; a large sheet of numbers packs 10 to 16 times."""
    monkeypatch.setattr(reading, "PACKING_RATIO_FROM", 1)
    table = read_table(xlsx([["number", "name"], *([301, "Oslo"] for _ in range(2000))]), required=("number",))
    assert len(table.rows) == 2000
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(TableFileError, match="split it into several files"):
        read_table(xlsx([["number", "name"], [301, "Oslo"]]), required=("number",))


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('<c r="B2" t="e"><v>#N/A</v></c>', "#N/A"),
        ('<c r="B2" t="e"><v>#DIV/0!</v></c>', "#DIV/0!"),
        (None, "#VALUE!"),  # a date serial far beyond year 9999 in a cell styled as a date
    ],
    ids=["not-available", "division-by-zero", "impossible-date-serial"],
)
@pytest.mark.filterwarnings("ignore:Cell B2 is marked as a date")  # openpyxl's, for the serial
def test_an_excel_error_value_is_refused_not_read_as_a_name(cell, shown):
    """``#N/A`` was imported as a workplace's name, and ``#DIV/0!`` renamed Oslo (found by
    a tester)."""
    from datetime import date

    if cell is None:
        dated = xlsx([["number", "name"], [301, date(2018, 3, 1)]])
        damaged = rewrite_sheet(dated, lambda text: re.sub(r'(<c r="B2"[^>]*><v>)[^<]*', r"\g<1>1e10", text))
    else:
        data = xlsx([["number", "name"], [301, "Oslo"]])
        damaged = rewrite_sheet(data, lambda text: re.sub(r'<c r="B2"[^>]*>.*?</c>', cell, text))
    with pytest.raises(TableFileError) as refused:
        read_table(damaged, required=("number", "name"))
    assert refused.value.errors == [
        f"line 2, column name: the cell holds Excel's error value {shown} (a formula that could not be computed, "
        "or a date Excel cannot hold); correct it in Excel first"
    ]


def _with_shared_strings(data: bytes, strings: list[str], index: str) -> bytes:
    """The workbook ``data`` (as openpyxl writes it, with inline strings) given a shared
    string table of ``strings``, its cell B2 pointing to entry ``index`` of it, as Excel
    writes text."""
    table = "".join(f"<si><t>{text}</t></si>" for text in strings)
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item).decode()
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(r'<c r="B2" t="inlineStr">.*?</c>', f'<c r="B2" t="s"><v>{index}</v></c>', content)
            elif item.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    "</Relationships>",
                    '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    'sharedStrings" Target="sharedStrings.xml" Id="rId9" /></Relationships>',
                )
            elif item.filename == "[Content_Types].xml":
                content = content.replace(
                    "</Types>",
                    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.spreadsheetml.sharedStrings+xml" /></Types>',
                )
            target.writestr(item, content)
        target.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{table}</sst>',
        )
    return buffer.getvalue()


def test_a_negative_shared_string_index_is_refused_not_read_as_another_cell():
    """openpyxl read ``<v>-1</v>`` as the last string of the table: another cell's text
    (found by a tester)."""
    data = xlsx([["number", "name"], [301, "Oslo"]])
    read = read_table(_with_shared_strings(data, ["Bergen", "Oslo"], "0"), required=("number", "name"))
    assert [row["name"] for _line, row in read.rows] == ["Bergen"]
    with pytest.raises(TableFileError, match="negative index"):
        read_table(_with_shared_strings(data, ["Bergen", "Oslo"], "-1"), required=("number", "name"))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_cell_longer_than_a_spreadsheet_holds_is_refused_without_quoting_it(kind):
    long = "x" * 40_000
    if kind == "xlsx":  # openpyxl writes no more than Excel holds: the cell is made longer in the XML
        data = rewrite_sheet(xlsx([["number", "name"], [301, "Oslo"]]), lambda text: text.replace("Oslo", long))
    else:
        data = f"number;name\r\n301;{long}\r\n".encode()
    with pytest.raises(TableFileError) as refused:
        read_table(data, required=("number", "name"))
    assert refused.value.errors == [
        "line 2, column name: the cell holds 40,000 characters, more than the 32,767 a spreadsheet cell holds"
    ]


def test_cells_beyond_the_header_are_refused_by_every_import(national_round, register):
    """The register and the population dropped them without a word, while the invitations
    and the answers refused them: a row shifted by a stray separator was read under the
    wrong column names (found by a tester)."""
    from surveys.services.population import PopulationFileError, load_population

    with pytest.raises(RegisterFileError, match="line 2: more cells than columns"):
        import_municipalities(b"number;name;county;population;centrality\n301;Oslo;3;700000;1;x\n")
    with pytest.raises(PopulationFileError, match="line 2: more cells than columns"):
        load_population(national_round, b"workplace_type,region,workplaces\nkindergarten,vestlandet,120,7\n")
    assert not PopulationCell.objects.filter(round=national_round).exists()


def test_a_name_with_a_line_break_is_refused_by_the_imports_that_register_names(national_round, register):
    """A quoted cell (or Alt+Enter in Excel) may hold a line break; no name stands on two
    lines, in a list or a letter (found by a tester)."""
    with pytest.raises(InvitationFileError, match="holds a line break"):
        import_invitations(
            national_round,
            'workplace,workplace_type,municipality,email\n"Prøvedal\nbarnehage",kindergarten,9901,a@example.invalid\n'.encode(),
        )
    with pytest.raises(RegisterFileError, match="holds a line break"):
        import_municipalities(b'number;name;county;population;centrality\n301;"Os\nlo";3;700000;1\n')
    assert not Invitation.objects.exists()


def test_an_empty_zip_archive_is_refused_as_an_unreadable_workbook():
    """It was read as text, and refused for a control character in its header."""
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()
    with pytest.raises(TableFileError, match=r"not a readable Excel workbook"):
        read_table(buffer.getvalue(), required=("number",))


def test_a_hidden_sheet_before_the_data_is_passed_over_and_the_sheet_read_is_named():
    """A workbook whose first sheet is hidden (lookup lists for drop-downs, say) was read
    from that sheet and refused as "missing columns", though Excel opens on the data."""
    workbook = Workbook()
    lookup = workbook.active
    lookup.title = "oppslag"
    lookup.append(["type"])
    lookup.sheet_state = "hidden"
    data = workbook.create_sheet("kommuner")
    data.append(["number", "name"])
    data.append([301, "Oslo"])
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), required=("number", "name"))
    assert table.sheet == "kommuner" and table.rows == [(2, {"number": "301", "name": "Oslo"})]
    with pytest.raises(TableFileError) as refused:
        read_table(buffer.getvalue(), required=("number", "population"))
    assert refused.value.errors == [
        "line 1: missing column(s) population (read as an Excel workbook (.xlsx), sheet 'kommuner')"
    ]
    # Excel (and openpyxl) will not save a workbook of hidden sheets only; another program may.
    source, hidden = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(hidden, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/workbook.xml":
                # openpyxl wrote every <sheet> without a state (visible) or with state="hidden".
                content = content.replace(b' state="visible"', b"")
                content = re.sub(rb'(<sheet [^>]*name="kommuner"[^>]*?)(/>)', rb'\1 state="hidden"\2', content)
            target.writestr(item, content)
    with pytest.raises(TableFileError, match="no sheet that is not hidden"):
        read_table(hidden.getvalue(), required=("number",))
