"""The workplace report as PDF, with fpdf2 (pure Python: no system libraries needed).

The HTML page is the accessible version; the PDF is a keepsake for the workplace's files,
with the same numbers, sources and charts. Fonts are DejaVu, which matplotlib ships.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF

from barometer.formatting import format_interval, format_number, format_share
from barometer.reports.aggregate import weighting_statement
from barometer.reports.workplace import WorkplaceReport, available_charts, chart_image, pending_results_text
from surveys.dates import in_oslo

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _value(row, estimate) -> str:
    if not estimate.shown:
        return _("too few answers")
    if row.is_share:
        return f"{format_share(estimate.value)} ({format_interval(estimate.low, estimate.high)}, n = {estimate.n})"
    interval = format_interval(estimate.low, estimate.high, as_share=False)
    return f"{format_number(estimate.value, 0)} ({interval}, n = {estimate.n})"


def _own(row) -> str:
    if row.is_share:
        return _("Yes") if row.own.value == 1.0 else _("No")
    return format_number(row.own.value, 0) if row.own.value is not None else _("no score")


def report_pdf(report: WorkplaceReport) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_lang(get_language() or "nb")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(_("Innovation Barometer: your report"))
    pdf.set_creator("Innovasjonsbarometeret")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int = 13) -> None:
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(width, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def text(value: str, size: int = 10) -> None:
        pdf.set_font("DejaVu", "", size)
        pdf.multi_cell(width, 5, value, new_x="LMARGIN", new_y="NEXT")

    response = report.response
    heading(_("Innovation Barometer: your report"), 16)
    who = response.workplace.name if response.workplace else _("Self-test")
    text(f"{who} · {response.get_workplace_type_display()} · {response.municipality.name}")
    if response.submitted_at:
        text(_("Submitted %(date)s") % {"date": date_format(in_oslo(response.submitted_at), "DATE_FORMAT")})
    if report.round is not None and not report.published:
        text(pending_results_text(report))
    elif report.round is not None:
        text(
            _("Compared with: %(round)s (%(n)s workplaces)")
            % {"round": report.round.localized_name, "n": report.responses_nationally}
        )
        text(weighting_statement(report.weighting))
        if report.is_synthetic:
            text(_("SYNTHETIC DEMO DATA: the comparison round contains generated answers, not real ones."))
    pdf.ln(3)
    for name in available_charts(report):
        png = chart_image(report, name, image_format="png")
        pdf.image(png, w=width)
        pdf.ln(2)
    for row in report.rows:
        heading(str(row.indicator.name), 11)
        text(row.sentence)
        lines = [f"{_('Your workplace')}: {_own(row)}"]
        if report.published:
            lines.append(f"{row.national_label}: {_value(row, row.national)}")
        lines += [f"{peer.label}: {_value(row, peer.estimate)}" for peer in row.peers]
        for figure in row.norway + row.denmark:
            lines.append(f"{figure.get_edition_display()}: {figure.wording} – {figure.statement}")
            if figure.scope:
                lines.append("  " + _("Published for: %(types)s") % {"types": figure.scope})
            if figure.note:
                lines.append(f"  {figure.note}")
        text("\n".join(lines), 9)
        pdf.ln(2)
    if report.suggestions:
        heading(_("What the barometer shows"))
        for row in report.suggestions:
            text(f"{row.indicator.name}: {row.suggestion}")
            pdf.ln(1)
    sources = sorted({f.source_title for row in report.rows for f in row.norway + row.denmark})
    if sources:
        heading(_("Sources"))
        text("\n".join(sources), 9)
    return bytes(pdf.output())
