"""The round dashboard: response tracking during fieldwork (admins and analysts), and the
list of non-respondents for follow-up (admins only: it holds e-mail addresses)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from barometer.access import admin_required, fieldwork_required
from barometer.engine.cache import cached
from barometer.outputs.charts import daily_chart
from barometer.reports.fieldwork import non_respondents, progress, representativeness, submissions_per_day
from barometer.views.reports import chart_layout
from config.methods import allow_methods
from surveys.dates import in_oslo
from surveys.models import Round, RoundKind

from .downloads import csv_attachment, xlsx_attachment


def _round(slug: str) -> Round:
    round_ = Round.objects.select_related("question_set").filter(slug=slug, kind=RoundKind.NATIONAL).first()
    if round_ is None:
        raise Http404("no such round")
    return round_


@allow_methods("GET", "HEAD")
@fieldwork_required
def rounds(request: HttpRequest) -> HttpResponse:
    national = Round.objects.filter(kind=RoundKind.NATIONAL).order_by("-opens_at")
    return render(request, "barometer/staff/rounds.html", {"rounds": national, "now": timezone.now()})


@allow_methods("GET", "HEAD")
@fieldwork_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    round_ = _round(slug)
    cells = representativeness(round_)
    return render(
        request,
        "barometer/staff/dashboard.html",
        {
            "round": round_,
            "progress": progress(round_),
            "days": submissions_per_day(round_),
            "cells": cells,
            "missing_cells": [cell for cell in cells or [] if cell.missing],
            "now": timezone.now(),  # "Opens", "Opened ... takes" or "Opened ... took"
        },
    )


@allow_methods("GET", "HEAD")
@fieldwork_required
def daily_svg(request: HttpRequest, slug: str) -> HttpResponse:
    round_ = _round(slug)
    layout_name, layout = chart_layout(request)

    def draw() -> str:
        days = submissions_per_day(round_)
        return daily_chart(days, title=_("Submissions per day"), empty_label=_("No submissions yet"), layout=layout)

    # Drawn once per figures version (a submission moves it), layout and language, not per request.
    svg = cached(round_.pk, "daily-chart", (layout_name, get_language()), draw)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


def _oslo_day(moment) -> str:
    """The day (Europe/Oslo) of a stored UTC moment, as YYYY-MM-DD; "" for none."""
    return in_oslo(moment).date().isoformat() if moment else ""


def _non_respondent_rows(round_: Round):
    yield ["workplace", "organisation_number", "workplace_type", "municipality", "county", "email", "invited",
           "reminders", "last_reminder"]  # fmt: skip
    for invitation in non_respondents(round_):
        workplace = invitation.workplace
        yield [
            workplace.name, workplace.organisation_number or "", workplace.workplace_type,
            f"{workplace.municipality.number} {workplace.municipality.name}", workplace.municipality.county.name,
            invitation.email, _oslo_day(invitation.sent_at),
            invitation.reminder_count,
            _oslo_day(invitation.last_reminded_at),
        ]  # fmt: skip


@allow_methods("GET", "HEAD")
@admin_required
def non_respondents_csv(request: HttpRequest, slug: str) -> HttpResponse:
    round_ = _round(slug)
    return csv_attachment(_non_respondent_rows(round_), f"ikke-svart-{round_.slug}.csv", stream=False)


@allow_methods("GET", "HEAD")
@admin_required
def non_respondents_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    round_ = _round(slug)
    return xlsx_attachment({"ikke-svart": _non_respondent_rows(round_)}, f"ikke-svart-{round_.slug}.xlsx")
