"""The workplace report as PDF, with fpdf2 (pure Python: no system libraries needed).

The HTML page is the accessible version; the PDF is a keepsake for the workplace's files,
with the same summary, numbers, explanations, sources and charts, and a link to the web
report (the PDF is not tagged: the accessibility statement names it as an exception).
Text is left-aligned (justified lines leave wide gaps), every page is numbered "page 2 of
5", and fonts are DejaVu, which matplotlib ships.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF

from barometer.formatting import (
    NOT_SHOWN,
    format_count,
    format_estimate,
    format_estimate_interval,
    format_number,
    format_share,
    lower_first,
)
from barometer.outputs.charts import PRINT_LAYOUT
from barometer.reports.aggregate import weighting_statement
from barometer.reports.workplace import (
    SOURCES,
    WorkplaceReport,
    available_charts,
    chart_parts,
    is_factor,
    pending_results_text,
    report_blocks,
    report_heading,
    unsure_answer,
)
from surveys.dates import in_oslo
from surveys.i18n import localized
from surveys.questionnaire import AnswerValues, Questionnaire

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _value(row, estimate) -> str:
    """A figure of the row's lines, with the decimals of the row's table (``row.decimals``),
    as on the page."""
    if not estimate.shown:
        return str(NOT_SHOWN)
    n = format_count(estimate.n)
    interval = format_estimate_interval(estimate, as_share=row.is_share, decimals=row.decimals)
    return f"{format_estimate(estimate, as_share=row.is_share, decimals=row.decimals)} ({interval}, n = {n})"


def _indicator(row, staff: bool, published: bool, heading, text) -> None:
    """One indicator as the page shows it: its name, the sentence about the workplace, the
    workplace's value, the national figure (once the round's results are ``published``),
    the peer figures, the published ones and what the barometer found about it."""
    heading(str(row.indicator.name), 11)
    if not is_factor(row) and not staff:
        text(row.sentence)  # "Dere har ...": the web page leaves it out for staff too
    # Every group's figure has the row's base: said once, above the lines, not on each.
    lines = [row.among_base] if row.among_base and (published or row.peers) else []
    lines.append(f"{_('This workplace') if staff else _('Your workplace')}: {_own(row)}")
    if published:
        lines.append(f"{_('Nationally')}: {_value(row, row.national)}")
    lines += [f"{peer.label}: {_value(row, peer.estimate)}" for peer in row.peers]
    for figure in row.published_figures:
        lines.append(
            f"{figure.get_edition_display()}: {figure.wording} – {lower_first(figure.statement)} "
            f"({figure.population_label})"
        )
        if figure.scope_beyond_population:
            lines.append("  " + _("Published for: %(types)s") % {"types": figure.scope_beyond_population})
        if figure.note:
            lines.append(f"  {figure.note}")
    # A paragraph of its own under the published figures, as on the page: inside the 2018
    # figure's lines it would read as being about that figure.
    lines += row.national_notes
    lines += row.not_asked
    text("\n".join(lines), 9)
    if row.suggestion:  # under its indicator, as on the page
        text(f"{_('From the barometer:')} {row.suggestion}", 9)


def _own(row) -> str:
    if row.is_share:
        return unsure_answer(row.own) or (_("Yes") if row.own.value == 1.0 else _("No"))
    return format_number(row.own.value, row.decimals) if row.own.value is not None else _("no score")


def _chart(pdf: FPDF, report: WorkplaceReport, name: str) -> None:
    """A chart of the report at its own size (``PRINT_LAYOUT``, as wide as the page inside
    its margins, so that its text prints at 10 pt), in parts that each fit on a page with
    their title and legend (``chart_parts``): a part that does not fit what is left of the
    page starts a new one. A part taller than a whole page (one bar with a very long label)
    is scaled down to the page's height."""
    page_height = pdf.h - pdf.t_margin - pdf.b_margin  # mm
    left = pdf.h - pdf.b_margin - pdf.get_y()
    for part in chart_parts(report, name, first_height=left / 25.4, page_height=page_height / 25.4):
        drawn = part.height * 25.4  # mm at its own size
        if min(drawn, page_height) > pdf.h - pdf.b_margin - pdf.get_y():  # as placed
            pdf.add_page()
        if drawn > page_height:
            pdf.image(part.image, h=page_height, x=pdf.l_margin)
        else:
            pdf.image(part.image, w=PRINT_LAYOUT.width * 25.4, x=pdf.l_margin)
        pdf.ln(2)


class _NumberedPDF(FPDF):
    """A4 with "Page n of N" at the foot of every page."""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}, align="C")


def report_pdf(report: WorkplaceReport, web_address: str = "") -> bytes:
    """The report as PDF bytes; ``web_address`` is the accessible web report's address,
    printed as a link near the top. A report built for staff (``report.staff``) speaks of
    "the workplace", as its web page does, and leaves out the charts, whose labels say
    "your workplace"."""
    staff = report.staff
    response = report.response
    who = response.workplace.name if response.workplace else _("Self-test")
    title = report_heading(response, staff=True) if staff else _("Innovation Barometer: your report")
    pdf = _NumberedPDF(format="A4")
    pdf.alias_nb_pages()
    pdf.set_lang(get_language() or "nb")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_creator("Innovasjonsbarometeret")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int = 13) -> None:
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(width, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def text(value: str, size: int = 10, link: str = "") -> None:
        pdf.set_font("DejaVu", "", size)
        pdf.multi_cell(width, 5, value, new_x="LMARGIN", new_y="NEXT", align="L", link=link)

    heading(title, 16)
    text(f"{who} · {response.get_workplace_type_display()} · {response.municipality.name}")
    if response.submitted_at:
        text(_("Submitted %(date)s") % {"date": date_format(in_oslo(response.submitted_at), "DATE_FORMAT")})
    if report.round is not None and not report.published:
        text(pending_results_text(report))
    elif report.round is not None:
        text(
            # As the web page words it: a round's name may end in brackets of its own.
            _("Compared with the %(n)s workplaces that answered in the round “%(round)s”.")
            % {"round": report.round.localized_name, "n": format_count(report.responses_nationally)}
        )
        # The same words as the page's note (barometer/partials/disclosure_note.html).
        text(_("Published results, edition %(edition)s: disclosure-checked.") % {"edition": report.edition})
        text(weighting_statement(report.weighting))
        if report.is_synthetic:
            text(_("SYNTHETIC DEMO DATA: the comparison round contains generated answers, not real ones."))
    if web_address:
        text(_("The accessible version of this report is on the web: %(address)s") % {"address": web_address},
             9, link=web_address)  # fmt: skip
    pdf.ln(3)
    summary = report.summary
    if summary is not None:
        heading(_("In short"))
        text(_("The summary covers the measures that either hold for a workplace or do not; scores, such as the "
               "culture index, are compared in the tables below."), 9)  # fmt: skip
        if report.summary_not_asked:
            text(report.summary_not_asked)
        elif summary.source == "published":
            text(_("There are no figures from this round yet, so this compares with the published national "
                   "barometer (2018). Comparisons with workplaces like this one come with the round's "
                   "results."))  # fmt: skip
        if staff:
            headings = (
                _("Where the workplace does less than most of those it is compared with"),
                _("Where the workplace does more than most of those it is compared with"),
            )
        else:
            headings = (
                _("Where you do less than most of those you are compared with"),
                _("Where you do more than most of those you are compared with"),
            )
        for title_of_items, items in zip(headings, (summary.less, summary.more), strict=True):
            if items:
                heading(title_of_items, 11)
                for item in items:
                    text("• " + item.sentence)
                    if item.suggestion:
                        text(_("From the barometer:") + " " + item.suggestion, 9)
                    pdf.ln(1)
        if summary.fallback_note:
            # Once, after the items it is about, as on the page.
            text(summary.fallback_note)
        if summary.empty and staff and not report.summary_not_asked:
            text(_("On none of these measures does the workplace clearly differ from most comparable "
                   "workplaces: either the groups' figures lie too close to 50%%, or there are too few answers to "
                   "tell.") % {})  # fmt: skip
        elif summary.empty and not report.summary_not_asked:
            text(_("On none of these measures do you clearly differ from most comparable workplaces: "
                   "either the groups' figures lie too close to 50%%, or there are too few answers to "
                   "tell.") % {})  # fmt: skip
        pdf.ln(2)
    heading(_("How to read the figures"), 11)
    # "%%" and "% {}": the same catalogue entries as the page's {% translate %} (which escapes %).
    text(_("A percentage is the share of the group's workplaces for which the measure holds, weighted where "
           "the report says so; the 95%% interval shows how uncertain it is (if the survey were repeated, the true "
           "share would lie within such intervals 95 times out of 100), "
           "and n is the number of workplaces that answered. “Not shown” means "
           "a figure is hidden to protect the workplaces that answered: there are too few answers, or it could "
           "reveal a small group.") % {}, 9)  # fmt: skip
    text(_("Written as: share (95%% interval, n = number of workplaces), for example 72%% (66–78%%, "
           "n = 140).") % {}, 9)  # fmt: skip
    pdf.ln(3)
    for name in () if staff else available_charts(report):
        _chart(pdf, report, name)
    # The details in the page's order: each part of the questionnaire the workplace saw,
    # its indicators, its factors and (for the respondent) its answers (``report_blocks``).
    answers = Questionnaire.for_response(response).answer_summary(AnswerValues.for_response(response))
    for block in report_blocks(report, answers):
        heading(localized(block.section, "title"), 12)
        for row in block.rows:
            _indicator(row, staff, report.published, heading, text)
        if block.factors:
            text(_("Each factor was rated from 1 (hindered the work to a great extent) to 6 (promoted it to a great "
                   "extent).") + " " + _("Each share is of everyone who answered about the factor, including those "
                                         "who answered “Don't know” or “Not relevant”."), 9)  # fmt: skip
            for factor in block.factors:
                rating = _("This workplace's rating:") if staff else _("Your rating:")
                lines = [factor.name, f"{rating} {factor.own or '–'}"]
                if factor.promoted and factor.hindered:
                    shares = {
                        "group": factor.group,
                        "base": factor.base,
                        "promoted": format_share(factor.promoted.value),
                        "hindered": format_share(factor.hindered.value),
                        "n": format_count(factor.promoted.n),
                    }
                    if factor.base:  # no-break spaces, as in the page's text
                        sentence = _(
                            "Among %(group)s: %(promoted)s say it promoted the work (5–6) and %(hindered)s "
                            "that it hindered it (1–2). Base: %(base)s; n = %(n)s."
                        )
                    else:
                        sentence = _(
                            "Among %(group)s: %(promoted)s say it promoted the work (5–6) and %(hindered)s "
                            "that it hindered it (1–2); n = %(n)s."
                        )
                    lines.append(sentence % shares)
                else:
                    lines.append(str(NOT_SHOWN))
                text("\n".join(lines), 9)
                pdf.ln(1)
        if not block.rows and not block.factors:
            text(_("The barometer has no comparison figures for this part; the answers are listed here."), 9)
        if staff:
            continue  # the questions speak to the respondent ("dere"); staff read the page
        heading(_("Your answers"), 10)
        for answer in block.answer_rows:
            given = "; ".join(str(item) for item in answer["answer"]) or _("Not answered")
            question = localized(answer["question"], "text")
            # "Hvor mange ...? 12", but "Statement: Ja", as the error summary joins them.
            joined = " " if question.rstrip().endswith(("?", ".", ":", "!")) else ": "
            text(f"{question}{joined}{given}", 9)
        pdf.ln(2)
    heading(_("Sources"))
    for title, address, _language in SOURCES:
        text(f"{title}: {address}", 9, link=address)
    cited = sorted({(f.source_title, f.source_url) for row in report.rows for f in row.norway + row.denmark})
    for title, address in cited:
        text(f"{title}: {address}" if address else title, 9, link=address)
    return bytes(pdf.output())
