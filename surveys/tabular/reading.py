"""The one reader for every file an admin imports: CSV as Excel and other tools save it, or
XLSX.

What it accepts, and why:

- CSV in UTF-8 (with or without the byte-order mark Excel writes) or Windows-1252 (what
  Excel in Norway writes for "CSV (semikolonseparert)"). UTF-8 is tried first: a
  Windows-1252 file with Norwegian letters is never valid UTF-8, so the guess is safe.
- `,` or `;` between fields, decided from the header row (the separator that splits it into
  the most columns; with known required columns, the one that finds most of them).
- XLSX (the first sheet that is not hidden, as Excel opens it when the active sheet is the
  first: a hidden sheet of lookup lists before the data is passed over, and messages name
  the sheet read), read with openpyxl in read-only mode. Numbers come back as text
  without a trailing ``.0``; dates as ISO dates. A formula cell is read as its result as
  Excel stored it; a formula without a stored result (a file another program wrote) is
  refused, naming line and column, rather than read as an empty cell.
- The encoding is decided for the whole file: a file that is not UTF-8 but has UTF-8
  sequences in it (one row pasted from another file) is refused, and so is a UTF-8 file
  with text encoded twice ("Ã…sen" for "Åsen"), rather than imported with mangled names.
- Column names are stripped, and the columns the caller requires are found without regard
  to case (``Number`` is ``number``). A column name that stands twice is refused, naming
  both columns: otherwise the last column's cells would silently win.
- A cell with a control character or a character XML 1.0 does not allow (see
  :mod:`surveys.characters`) is refused, naming line, column and character.
- Anything else is refused with a message that names the problem: UTF-16 ("Unicode text" in
  Excel's Save As list), the old binary .xls, text in neither UTF-8 nor Windows-1252, or a
  header that another separator (tab, ``|``) splits.

Excel turns municipality numbers into numbers (0301 becomes 301) and county numbers too
(03 becomes 3); :func:`municipality_number` and :func:`county_number` give them back their
digits.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..characters import first_disallowed

SEPARATORS = (",", ";")
OTHER_SEPARATORS = {"\t": "tab", "|": "'|'"}
#: How a zip archive starts: with its first entry, or (an archive of nothing) with its end record.
XLSX_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class TableFileError(Exception):
    """A file that cannot be read as a table; ``errors`` are messages for the admin."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class Table:
    """A file read as a table.

    ``rows`` are ``(line, cells)`` pairs: ``line`` is the line of the file where the row
    starts, as an editor numbers them (the header is line 1; a quoted cell with line breaks
    makes a row span several lines; in a workbook, the sheet's row number), ``cells`` maps
    each column name to its text (stripped of nothing; empty cells are ``""``). Cells beyond
    the header are kept under the key ``None`` as a list, as :class:`csv.DictReader` does.
    ``digest`` is the SHA-256 of the file's bytes (hex), ``name`` the file's name,
    ``encoding`` and ``separator`` what was read (both
    ``"xlsx"`` for a workbook), ``sheet`` the name of the workbook's sheet that was read
    ("" for CSV).
    """

    columns: list[str]
    rows: list[tuple[int, dict]]
    digest: str
    name: str
    encoding: str
    separator: str
    size: int = field(default=0)
    sheet: str = ""

    def missing(self, required: Sequence[str]) -> list[str]:
        """The required columns the header lacks, in the order given."""
        return [column for column in required if column not in self.columns]

    def describe(self) -> str:
        """How the file was read, for messages: "Windows-1252, separated by ';'"."""
        if self.encoding == "xlsx":
            return f"an Excel workbook (.xlsx), sheet '{self.sheet}'"
        return f"{self.encoding} text separated by '{self.separator}'"


def _source_bytes(source) -> tuple[bytes, str]:
    """The bytes and the name of a path, a bytes object or a file object (text or binary)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        return path.read_bytes(), path.name
    if isinstance(source, (bytes, bytearray)):
        return bytes(source), "(bytes)"
    data = source.read()
    name = Path(getattr(source, "name", "") or "(upload)").name
    if isinstance(data, str):
        # A text stream has been decoded already; encode it back so digests are stable.
        data = data.encode("utf-8")
    return data, name


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) >= 4 and b"\x00\x00" in (data[0:4:2], data[1:4:2])):
        raise TableFileError(
            [
                'the file is UTF-16 text (Excel\'s "Unicode text"); save it as "CSV UTF-8" '
                'or "CSV (semicolon separated)" instead'
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        not_utf8 = exc
    else:
        if _stray_letters_only(text):
            # Valid UTF-8 only by chance: every non-ASCII character is a lone letter of
            # another script, which a Windows-1252 letter before one or two symbols makes
            # ("Even\u00e1\u0161\u0161i" is E1 9A 9A, read as UTF-8 the Ogham U+169A).
            with contextlib.suppress(UnicodeDecodeError):
                return data.decode("cp1252"), "Windows-1252"
        return text, "UTF-8"
    # Not UTF-8 as a whole. If parts of it are UTF-8 (a row pasted from another file, or a
    # file saved twice), reading it all as Windows-1252 would store "Ã…sen" for "Åsen":
    # the encoding is decided for the whole file, and a mixed file is refused.
    utf8_line = _first_utf8_line(data)
    if utf8_line is not None:
        raise TableFileError(
            [
                f"the file mixes two encodings: line {utf8_line} has UTF-8 text, but "
                f"line {_line_at(data, not_utf8.start)} is not UTF-8 (byte {data[not_utf8.start]:#04x}, probably "
                'Windows-1252); save the whole file again as "CSV UTF-8"'
            ]
        )
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise TableFileError(
            [
                f"the file is neither UTF-8 nor Windows-1252 text (byte {exc.object[exc.start]:#04x} at position "
                f'{exc.start}); save it as "CSV UTF-8"'
            ]
        ) from exc


# A UTF-8 sequence of two to four bytes.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _first_utf8_line(data: bytes) -> int | None:
    """In a file that is not UTF-8 as a whole, the number of the first line that holds UTF-8
    text, or None when every line reads as Windows-1252.

    A line counts as UTF-8 only when the whole line decodes as UTF-8: a Norwegian letter
    before a Windows-1252 symbol elsewhere on the line ("\u201cB\u00d8\u201d" is
    ``93 42 D8 94``) looks like a UTF-8 pair but leaves the rest of the line invalid. A line
    that does decode is still read as Windows-1252 when its only non-ASCII characters are
    lone characters of the blocks that a capital letter with a diacritic before a symbol
    makes: ``D8 B0`` ("\u00d8\u00b0") reads as the Arabic U+0630, and in a file whose other
    lines are Windows-1252 such a line is "KRAGER\u00d8\u00b0", not Arabic. Latin letters
    (U+0080-U+027F: "Å" as ``C3 85``, Sami "š"), punctuation and symbols, and words in
    another script (two such characters in a row) count as UTF-8, so a pasted row is found.
    """
    for number, line in enumerate(_BYTES_LINE_END.split(data), start=1):
        if not _UTF8_MULTIBYTE.search(line):
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if _utf8_evidence(text):
            return number
    return None


def _utf8_evidence(text: str) -> bool:
    """Whether ``text``, decoded as UTF-8, holds what a Windows-1252 line read as UTF-8
    cannot make: a Latin letter beyond ASCII ("\u00c5" is ``C3 85``, Sami "\u0161"), a
    word in another script (two non-ASCII characters in a row), or a lone character beyond
    U+07FF that is not a letter (punctuation such as "\u2013", "\u20ac", a non-character).

    No evidence: a lone character of U+0280-U+07FF, which a Windows-1252 capital with a
    diacritic before a symbol makes ("\u00d8\u00b0" is ``D8 B0``, the Arabic U+0630), and
    a lone letter beyond it, which a small letter with a diacritic before two symbols
    makes ("\u00e1\u0161\u0161" in SSB's "Even\u00e1\u0161\u0161i" is ``E1 9A 9A``, the
    Ogham U+169A)."""
    if _NON_ASCII_RUN.search(text):
        return True
    for character in _NON_ASCII.findall(text):
        code = ord(character)
        if code <= 0x27F:
            return True
        if code <= 0x7FF or (code <= 0xFFFF and unicodedata.category(character).startswith("L")):
            continue
        return True
    return False


def _stray_letters_only(text: str) -> bool:
    """Whether ``text`` has non-ASCII characters, all of them lone letters of other scripts
    with no UTF-8 evidence (``_utf8_evidence``): a Windows-1252 file that is valid UTF-8 by
    chance ("KRAGER\u00d8\u00b0", "Even\u00e1\u0161\u0161i"), not a digit such as "\u0663"."""
    characters = _NON_ASCII.findall(text)
    return (
        bool(characters)
        and not _utf8_evidence(text)
        and all(unicodedata.category(character).startswith("L") for character in characters)
    )


_NON_ASCII_RUN = re.compile("[^\x00-\x7f]{2}")
_NON_ASCII = re.compile("[^\x00-\x7f]")
# Windows-1252 readings of UTF-8 letters ("Ã…" for "Å", "Ã¸" for "ø", "â€“" for "–"): in a
# file that is valid UTF-8, such a pair means the text was encoded twice on its way. Only
# leads that stand for Latin letters (U+0080-U+027F) and the "â€" of punctuation are taken,
# so genuine text such as the Sami "Evenášši" is never mistaken for one.
_CONTINUATION = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_DOUBLE_ENCODED = re.compile(f"[\u00c2-\u00c9][{_CONTINUATION}]|\u00e2[{_CONTINUATION}][{_CONTINUATION}]")


#: The end of a line in a file's bytes: CR LF, LF, or CR alone.
_BYTES_LINE_END = re.compile(rb"\r\n?|\n")


def _line_at(data: bytes, position: int) -> int:
    """The line (from 1) on which byte ``position`` of ``data`` stands, whatever ends its lines."""
    return len(_BYTES_LINE_END.findall(data, 0, position)) + 1


def _double_encoded(text: str) -> str | None:
    """The first run of ``text`` that is UTF-8 read as Windows-1252 ("Ã…" for "Å"), or None."""
    for match in _DOUBLE_ENCODED.finditer(text):
        try:
            match.group().encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        return match.group()
    return None


#: The most characters a cell may hold: Excel's own limit. No column of the project's is
#: longer; a longer cell is refused before its text is quoted in any message.
MAX_CELL_LENGTH = 32_767


def _check_characters(table: Table) -> None:
    """Refuse a table whose header or cells hold a control character or a character XML 1.0
    does not allow (see :mod:`surveys.characters`), text encoded twice, or a cell longer
    than :data:`MAX_CELL_LENGTH`."""
    problems = []
    for index, column in enumerate(table.columns, start=1):
        if len(column) > MAX_CELL_LENGTH:
            problems.append(f"line 1, column {index}: the header cell holds {len(column):,} characters")
            continue
        found = first_disallowed(column)
        if found:
            problems.append(f"line 1, column {index}: the header contains the control character {found}")
    for line, row in table.rows:
        for column, cell in row.items():
            for text in cell if isinstance(cell, list) else [cell]:
                if len(text) > MAX_CELL_LENGTH:
                    problems.append(
                        f"line {line}, column {column}: the cell holds {len(text):,} characters, more than the "
                        f"{MAX_CELL_LENGTH:,} a spreadsheet cell holds"
                    )
                    continue
                found = first_disallowed(text)
                if found:
                    problems.append(
                        f"line {line}, column {column}: contains the invisible control character {found}; remove it"
                    )
                    continue
                run = _double_encoded(text) if table.encoding != "xlsx" else None
                if run:
                    problems.append(
                        f"line {line}, column {column}: {text!r} looks like UTF-8 text that was encoded twice "
                        f"({run!r} stands for {run.encode('cp1252').decode('utf-8')!r}); save the file again as "
                        '"CSV UTF-8" from the original'
                    )
        if len(problems) >= 50:
            break
    if problems:
        raise TableFileError(problems)


def _header_fields(first_line: str, separator: str) -> list[str]:
    return [cell.strip() for cell in next(csv.reader([first_line], delimiter=separator), [])]


def _header(cells: Sequence[str], known: Sequence[str]) -> list[str]:
    """The column names of a header row: stripped, the name of a column the caller knows
    (required or optional) matched without regard to case ("Number" reads as ``number``),
    empty trailing cells dropped. A name that stands twice is refused: a dictionary per row
    would keep only the last column's cell."""
    written = [cell.strip() for cell in cells]
    # Excel writes a separator for every column it ever used: empty trailing header
    # cells are no columns, and what stands under them counts as surplus cells.
    while written and not written[-1]:
        written.pop()
    by_folded: dict[str, list[str]] = {}
    for name in dict.fromkeys(known):  # a name given as required and optional counts once
        by_folded.setdefault(name.casefold(), []).append(name)
    # Only where the case tells no two known columns apart: "Q1" and "q1" stay two.
    canonical = {folded: names[0] for folded, names in by_folded.items() if len(names) == 1}
    columns = [column if column in known else canonical.get(column.casefold(), column) for column in written]
    first: dict[str, int] = {}
    problems = []
    for index, column in enumerate(columns, start=1):
        if not column:
            continue  # an empty header cell names no column anyone reads
        if column in first:
            earlier = first[column]
            spelt = "" if written[earlier - 1] == written[index - 1] else f" (as {written[index - 1]!r})"
            problems.append(
                f"line 1, column {index}: the column {column!r} appears twice{spelt}, in columns {earlier} and "
                f"{index}; remove or rename one"
            )
        else:
            first[column] = index
    if problems:
        raise TableFileError(problems)
    return columns


_LINE_END = re.compile(r"\r\n?|\n")


def _choose_separator(text: str, required: Sequence[str]) -> str:
    """The separator of ``SEPARATORS`` that splits the header (the first line of ``text``)
    best: into most of the ``required`` columns, then into most columns. Raises
    :class:`TableFileError` for a header that only another separator splits, and
    ``csv.Error`` for a header cell longer than the csv module's field limit."""
    # Lines end in CR LF (Excel), LF, or CR alone (older Mac programs).
    first_line = _LINE_END.split(text, maxsplit=1)[0]

    def score(separator: str) -> tuple[int, int]:
        fields = [field.casefold() for field in _header_fields(first_line, separator)]
        return (sum(column.casefold() in fields for column in required), len(fields))

    best = max(SEPARATORS, key=score)
    found, width = score(best)
    if width == 1 and (not required or found < len(required)):
        for separator, label in OTHER_SEPARATORS.items():
            if separator in first_line:
                raise TableFileError(
                    [f"line 1: the columns are separated by {label}; separate them by ',' or ';' (save as CSV)"]
                )
    return best


def _read_csv(data: bytes, name: str, digest: str, required: Sequence[str], optional: Sequence[str] = ()) -> Table:
    text, encoding = _decode(data)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise TableFileError(["the file is empty"])
    separator = None
    try:
        separator = _choose_separator(text, required)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        columns = _header(next(reader, []), (*required, *optional))
        rows = []
        # A quoted cell may hold line breaks, so a record can span several lines of the
        # file: a record starts on the line after the one where the previous record ended
        # (``line_num`` counts the lines read so far), which is the line an editor shows.
        ended = reader.line_num
        for cells in reader:
            line, ended = ended + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines (Excel leaves ";;;;" rows) are skipped
            row: dict = {column: (cells[index] if index < len(cells) else "") for index, column in enumerate(columns)}
            extra = [cell for cell in cells[len(columns) :] if cell.strip()]
            if extra:
                row[None] = extra  # as csv.DictReader keeps them
            rows.append((line, row))
    except csv.Error as exc:
        read_as = f"{encoding}, separated by '{separator}'" if separator else encoding
        raise TableFileError([f"the file is not valid CSV ({read_as}): {exc}"]) from exc
    return Table(columns, rows, digest, name, encoding, separator, len(data))


def cell_text(value) -> str:
    """A spreadsheet cell as the text a CSV would hold: integers without ``.0``, dates as
    ISO dates, empty cells as ``""``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _formula(value) -> str | None:
    """The formula a cell read without ``data_only`` holds, or None for a plain value."""
    if isinstance(value, str):
        return value if value.startswith("=") else None
    text = getattr(value, "text", None)  # openpyxl's ArrayFormula and DataTableFormula
    return text if isinstance(text, str) else None


#: The start of a formula element (``<f>``, ``<f t="shared" ...>``, ``<x:f>``) in a workbook's XML.
_FORMULA_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


#: A shared-string cell whose index is negative (``<c t="s"><v>-2</v>``): openpyxl would read
#: the string counted from the end of the table, another cell's text, without a word.
_NEGATIVE_SHARED_STRING = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\bt=[\"']s[\"'][^>]*>\s*<(?:[A-Za-z_][\w.-]*:)?v>\s*-"
)


@dataclass(frozen=True)
class _Markup:
    """What the XML parts of a workbook hold that its values do not show."""

    formulas: bool  # a formula element anywhere
    negative_shared_string: bool  # a shared-string cell with a negative index


def _scan_markup(data: bytes) -> _Markup:
    """Read every XML part of the workbook ``data`` once, in chunks, for formula elements
    and for shared-string cells with a negative index. Text in XML is escaped, so only
    markup matches; a chart's cell references (``<c:f>``) count as formulas, which only
    costs a second reading (``_read_xlsx``). Raises ``zipfile.BadZipFile`` for a file that
    is not a zip archive."""
    overlap = 256  # longer than any element start the patterns match in practice
    formulas = negative = False
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            if not member.filename.endswith(".xml"):
                continue
            with archive.open(member) as part:
                tail = b""
                while chunk := part.read(1 << 20):
                    window = tail + chunk
                    formulas = formulas or bool(_FORMULA_ELEMENT.search(window))
                    negative = negative or bool(_NEGATIVE_SHARED_STRING.search(window))
                    if formulas and negative:
                        return _Markup(True, True)
                    tail = chunk[-overlap:]
    return _Markup(formulas, negative)


def _holds_formulas(data: bytes) -> bool:
    """Whether any XML part of the workbook ``data`` has a formula element (see
    :func:`_scan_markup`)."""
    return _scan_markup(data).formulas


#: A workbook's parts compress about 5 to 16 times (a sheet of 20,000 rows of 75 small
#: numbers: 10 to 16); a part that unpacks to more than 100 times its packed size, and to
#: more than 16 MB, is a "zip bomb", made to fill the memory of whoever opens it.
MAX_PACKING_RATIO = 100
PACKING_RATIO_FROM = 16 * 2**20
#: The most a workbook may unpack to in all: some 1.5 million rows of the raw export.
MAX_UNPACKED_BYTES = 4 * 2**30


def _check_unpacked_sizes(data: bytes) -> None:
    """Refuse the workbook ``data`` before openpyxl unpacks it when a part unpacks to more
    than :data:`MAX_PACKING_RATIO` times its packed size (and more than
    :data:`PACKING_RATIO_FROM` bytes), or all parts to more than :data:`MAX_UNPACKED_BYTES`.
    The sizes are the archive's own; a part that unpacks to more than its stated size is
    cut there by :mod:`zipfile`, and then fails as damaged XML. Raises
    :class:`TableFileError`, or ``zipfile.BadZipFile`` for a file that is no zip archive."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    for member in members:
        packed = max(member.compress_size, 1)
        if member.file_size > PACKING_RATIO_FROM and member.file_size > MAX_PACKING_RATIO * packed:
            raise TableFileError(
                [
                    f"the workbook's part {member.filename} unpacks from {member.compress_size:,} to "
                    f"{member.file_size:,} bytes, more than {MAX_PACKING_RATIO} times its size, as no "
                    "spreadsheet does; it is not read. Save the sheet again from Excel, or as CSV"
                ]
            )
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_BYTES:
        raise TableFileError(
            [
                f"the workbook unpacks to {total:,} bytes, more than the {MAX_UNPACKED_BYTES:,} an import "
                "reads; split it into several files, or save it as CSV"
            ]
        )


def _read_xlsx(data: bytes, name: str, digest: str, required: Sequence[str], optional: Sequence[str] = ()) -> Table:
    from openpyxl import load_workbook

    try:
        _check_unpacked_sizes(data)
        markup = _scan_markup(data)
    except TableFileError:
        raise
    except Exception as exc:  # a damaged archive: zipfile and zlib raise several kinds
        raise _unreadable_workbook(exc) from exc
    if markup.negative_shared_string:
        raise _unreadable_workbook(ValueError("a text cell points to a shared string with a negative index"))
    workbook = formulas = None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        # A formula cell that a program other than Excel wrote has no stored result, and
        # reads as empty in the values above: the sheet is read a second time, with its
        # formulas, only when the file has any.
        if markup.formulas:
            formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises several kinds for a damaged file
        if workbook is not None:
            workbook.close()
        raise _unreadable_workbook(exc) from exc
    try:
        return _read_sheets(workbook, formulas, data, name, digest, (*required, *optional))
    except TableFileError:
        raise
    except Exception as exc:  # a damaged cell is found only when its row is read
        raise _unreadable_workbook(exc) from exc
    finally:
        workbook.close()
        if formulas is not None:
            formulas.close()


def _unreadable_workbook(exc: Exception) -> TableFileError:
    """The refusal of a workbook openpyxl cannot read, naming what it found: a damaged
    archive, XML that ends early, a number cell holding text, a date Excel cannot hold, a
    shared string that is not there."""
    return TableFileError([f"the file is not a readable Excel workbook (.xlsx): {exc or type(exc).__name__}"])


def _read_sheets(workbook, formulas, data: bytes, name: str, digest: str, known: Sequence[str]) -> Table:
    """The first visible sheet of ``workbook`` (values) as a :class:`Table`, its formulas
    read from ``formulas`` (the same file read with its formulas, or None when it has
    none). Raises :class:`TableFileError` for a workbook without a visible sheet, an empty
    sheet, a repeated column or a formula without a stored value, and whatever openpyxl
    raises for a damaged cell."""
    index = next((i for i, sheet in enumerate(workbook.worksheets) if sheet.sheet_state == "visible"), None)
    if index is None:
        raise TableFileError(["the workbook has no sheet that is not hidden: show the sheet to import in Excel"])
    sheet = workbook.worksheets[index]
    values = iter(sheet.iter_rows(values_only=True))
    formula_rows = iter(formulas.worksheets[index].iter_rows(values_only=True)) if formulas else iter(())
    header = next(values, None)
    if header is None:
        raise TableFileError([f"the workbook's sheet '{sheet.title}' is empty"])
    numbered = [str(i) for i in range(1, len(header) + 1)]
    unstored = _unstored_formulas(1, header, next(formula_rows, ()), numbered) + _error_values(1, header, numbered)
    if unstored:
        raise TableFileError(unstored)
    columns = _header([cell_text(cell) for cell in header], known)
    rows = []
    for line, cells in enumerate(values, start=2):
        unstored += _unstored_formulas(line, cells, next(formula_rows, ()), columns)
        unstored += _error_values(line, cells, [*columns, *(str(i) for i in range(len(columns) + 1, len(cells) + 1))])
        texts = [cell_text(cell) for cell in cells]
        if not any(text.strip() for text in texts):
            continue
        row: dict = {column: (texts[index] if index < len(texts) else "") for index, column in enumerate(columns)}
        extra = [text for text in texts[len(columns) :] if text.strip()]
        if extra:
            row[None] = extra
        rows.append((line, row))
    if unstored:
        raise TableFileError(unstored[:50])
    return Table(columns, rows, digest, name, "xlsx", "xlsx", len(data), sheet=sheet.title)


#: The values Excel stores in a cell whose formula could not be computed (openpyxl reads
#: them as text).
EXCEL_ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                                "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!",
                                "#BUSY!", "#UNKNOWN!"})  # fmt: skip


def _error_values(line: int, cells: Sequence, columns: Sequence[str]) -> list[str]:
    """A problem for each cell that holds one of Excel's error values: the formula there
    could not be computed (or a date Excel cannot hold was typed), so it holds no value to
    import, and ``#N/A`` would otherwise become a workplace's or a municipality's name."""
    return [
        f"line {line}, column {column}: the cell holds Excel's error value {value} (a formula that could "
        "not be computed, or a date Excel cannot hold); correct it in Excel first"
        for value, column in zip(cells, columns, strict=False)
        if isinstance(value, str) and value in EXCEL_ERROR_VALUES
    ]


def _unstored_formulas(line: int, cells: Sequence, formula_cells: Sequence, columns: Sequence[str]) -> list[str]:
    """A problem for each cell of a named column that holds a formula without a stored value."""
    problems = []
    for index, (value, column) in enumerate(zip(cells, columns, strict=False)):
        formula = _formula(formula_cells[index]) if value is None and index < len(formula_cells) else None
        if formula:
            problems.append(
                f"line {line}, column {column}: the cell holds a formula ({formula}) without a stored value; "
                "open the file in Excel and save it again (or paste the values in place of the formulas) first"
            )
    return problems


def read_table(source, *, required: Sequence[str] = (), optional: Sequence[str] = ()) -> Table:
    """Read a CSV or XLSX file into a :class:`Table`.

    ``source`` is a path, bytes, or a file object (binary or text). ``required`` names the
    columns the caller needs and ``optional`` those it reads when they are there: both are
    matched without regard to case (and renamed to the spelling given); the required ones
    help choose the separator, and a header without them
    raises :class:`TableFileError` with a message that says how the file was read (encoding
    and separator), so a file saved with another separator or encoding is recognisable.
    Raises :class:`TableFileError` for any file that cannot be read (a column name that
    stands twice included), and ``OSError`` for a path that cannot be opened. Columns the
    caller does not name keep the file's spelling.
    """
    data, name = _source_bytes(source)
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(XLS_MAGIC):
        raise TableFileError(["the file is an old Excel workbook (.xls); save it as .xlsx or as CSV"])
    read = _read_xlsx if data.startswith(XLSX_MAGIC) else _read_csv
    table = read(data, name, digest, required, optional)
    _check_characters(table)
    missing = table.missing(required)
    if missing:
        hint = ""
        if len(table.columns) == 1 and table.encoding != "xlsx":
            hint = "; the header has only one column: are the columns separated by ',' or ';'?"
        raise TableFileError([f"line 1: missing column(s) {', '.join(missing)} (read as {table.describe()}{hint})"])
    return table


_DIGITS = re.compile(r"^[0-9]+(?:\.0+)?$")
# Digits 0-9, thousands grouped by a space, a no-break space or a narrow no-break space
# (what Norwegian Excel and word processors write): "1 234", "1\u00a0234". No underscores,
# signs or other scripts' digits, which Python's int() would take.
_WHOLE_NUMBER = re.compile("[0-9]+|[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+")


def whole_number(text: str) -> int:
    """A cell's whole number of 0 or more: ASCII digits only, thousands optionally separated
    by a space, no-break space or narrow no-break space ("1 234"); surrounding spaces are
    ignored. Raises ``ValueError`` for anything else: "1_234", "١", "-5", "12 34", "1.5", ""."""
    text = text.strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        raise ValueError(f"not a whole number: {text!r}")
    return int(re.sub("[ \u00a0\u202f]", "", text))


WHOLE_NUMBER_HINT = "digits 0-9; thousands may be separated by a space"


def _code(value, width: int) -> str:
    text = cell_text(value).strip().replace("\u00a0", "").replace(" ", "")
    if _DIGITS.match(text):
        text = text.split(".")[0]
        if len(text) < width:
            return text.zfill(width)
    return text


def municipality_number(value) -> str:
    """A municipality number as its four digits: ``301``, ``"301"`` and ``"301.0"`` (as Excel
    leaves 0301) give ``"0301"``. Anything that is not digits comes back stripped, for the
    caller's own check to name it."""
    return _code(value, 4)


def county_number(value) -> str:
    """A county number as its two digits: ``3`` and ``"3"`` give ``"03"``."""
    return _code(value, 2)
