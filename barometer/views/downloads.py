"""What every tabular download shares: CSV as UTF-8 with a byte-order mark (Excel then reads
Norwegian letters right; R's and pandas' readers skip it with ``utf-8-sig``/``UTF-8-BOM``),
``,`` between fields and ``.`` in decimals; and the same table as XLSX beside it.

Cells are written as the values they are: municipality and county numbers are text
("0301"), so Excel keeps their leading zeros.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from surveys.services.response_files import csv_lines, write_xlsx

BOM = "\ufeff"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _with_bom(lines: Iterable[str]) -> Iterator[str]:
    yield BOM
    yield from lines


def csv_attachment(rows: Iterable[list], filename: str, *, stream: bool = True) -> HttpResponse | StreamingHttpResponse:
    """A CSV download of ``rows`` (header first), UTF-8 with a byte-order mark; streamed
    unless ``stream`` is False (for short lists)."""
    lines = _with_bom(csv_lines(rows))
    content_type = "text/csv; charset=utf-8"
    response = (
        StreamingHttpResponse(lines, content_type=content_type)
        if stream
        else HttpResponse("".join(lines), content_type=content_type)
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_attachment(sheets: dict[str, Iterable[list]], filename: str) -> FileResponse:
    """An XLSX download with one sheet per entry of ``sheets`` (title: rows, header first),
    written in openpyxl's write-only mode to a temporary file and streamed from disk."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    write_xlsx(Path(handle.name), sheets)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
