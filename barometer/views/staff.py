"""Staff pages: aggregate benchmarks with filters, the published findings recomputed,
exports, and the list of workplace reports a user may open."""

from __future__ import annotations

import hashlib
import re

from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from barometer.access import (
    aggregates_required,
    municipality_reports_required,
    municipality_responses_for_staff,
    raw_export_required,
)
from barometer.engine.benchmark import CACHE_FORMAT, CACHE_TIMEOUT, data_version, reference_version
from barometer.forms import AggregateFilterForm
from barometer.outputs import exports
from barometer.outputs.charts import ShareBar, shares_chart
from barometer.reports.aggregate import aggregate_report, describe
from barometer.reports.findings import findings
from barometer.views.reports import wants_weighting, weighting_links
from surveys.models import Round, RoundKind
from surveys.questionnaire import Questionnaire
from surveys.services.response_files import codebook_rows, export_rows

from .downloads import BOM, csv_attachment, xlsx_attachment

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def _filter_form(request: HttpRequest) -> AggregateFilterForm:
    return AggregateFilterForm(request.GET or {"round": ""})


def _invalid(request: HttpRequest, form: AggregateFilterForm) -> HttpResponse:
    return render(request, "barometer/staff/aggregate.html", {"form": form, "report": None}, status=400)


@aggregates_required
def aggregate(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    if not form.is_valid():
        return _invalid(request, form)
    round_ = form.cleaned_data["round"]
    if round_ is None:
        return render(request, "barometer/staff/aggregate.html", {"form": form, "report": None})
    report = aggregate_report(round_, form.to_filter(), weighted=wants_weighting(request))
    return render(
        request,
        "barometer/staff/aggregate.html",
        {
            **weighting_links(request),
            "form": form,
            "report": report,
            "group": describe(report.filter),
            "query": request.GET.urlencode(),
            "shares": [row for row in report.rows if row.is_share],
            "scores": [row for row in report.rows if not row.is_share],
        },
    )


@aggregates_required
def aggregate_chart(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    if not form.is_valid() or form.cleaned_data["round"] is None:
        raise Http404("no such chart")
    round_ = form.cleaned_data["round"]
    key = (
        # The query string is hashed: a key must stay short whatever the visitor sends.
        f"barometer:aggregate-chart:v{CACHE_FORMAT}:{hashlib.sha256(request.GET.urlencode().encode()).hexdigest()}:"
        f"{get_language()}:"
        f"{round_.pk}:{data_version(round_.pk)}:{reference_version()}"
    )
    svg = cache.get(key)
    if svg is None:
        report = aggregate_report(round_, form.to_filter(), weighted=wants_weighting(request))
        bars = [
            ShareBar(
                label=str(row.indicator.name),
                value=row.estimate.value if row.estimate.shown else None,
                low=row.estimate.low,
                high=row.estimate.high,
                published=float(row.norway[0].value) / 100 if row.norway else None,
            )
            for row in report.rows
            if row.is_share
        ]
        svg = shares_chart(
            bars,
            title=_("Share of workplaces: %(group)s") % {"group": describe(report.filter)},
            national_label=_("Selected workplaces (with 95 % interval)"),
            peer_label="",
            published_label=_("Published, Norway"),
            hidden_label=_("too few answers"),
        )
        cache.set(key, svg, CACHE_TIMEOUT)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@aggregates_required
def aggregate_export(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format not in {"csv", "xlsx", "json"}:
        raise Http404("no such format")
    form = _filter_form(request)
    if not form.is_valid() or form.cleaned_data["round"] is None:
        return _invalid(request, form)
    report = aggregate_report(form.cleaned_data["round"], form.to_filter(), weighted=wants_weighting(request))
    name = f"barometer-{report.round.slug}"
    if file_format == "csv":
        response = HttpResponse(BOM + exports.as_csv(report), content_type="text/csv; charset=utf-8")
    elif file_format == "json":
        response = HttpResponse(exports.as_json(report), content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(
            exports.as_xlsx(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


@aggregates_required
def findings_page(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    if not form.is_valid():
        return _invalid(request, form)
    round_ = form.cleaned_data["round"]
    published, breakdowns = findings(round_) if round_ else ([], [])
    return render(
        request,
        "barometer/staff/findings.html",
        {"form": form, "round": round_, "findings": published, "breakdowns": breakdowns},
    )


def _national_round(request: HttpRequest) -> Round:
    slug = request.GET.get("round", "")
    # Validated before the query: only a slug can name a round.
    if not SLUG.fullmatch(slug):
        raise Http404("no such round")
    round_ = Round.objects.select_related("question_set").filter(kind=RoundKind.NATIONAL, slug=slug).first()
    if round_ is None:
        raise Http404("no such round")
    return round_


@raw_export_required
def data_page(request: HttpRequest) -> HttpResponse:
    rounds = Round.objects.filter(kind=RoundKind.NATIONAL).order_by("-opens_at")
    return render(request, "barometer/staff/data.html", {"rounds": rounds})


@raw_export_required
def raw_csv(request: HttpRequest) -> StreamingHttpResponse:
    round_ = _national_round(request)
    return csv_attachment(export_rows(round_), f"svar-{round_.slug}.csv")


@raw_export_required
def raw_xlsx(request: HttpRequest) -> FileResponse:
    round_ = _national_round(request)
    questionnaire = Questionnaire.of(round_.question_set)
    return xlsx_attachment(
        {"svar": export_rows(round_), "kodebok": codebook_rows(questionnaire)}, f"svar-{round_.slug}.xlsx"
    )


@raw_export_required
def codebook_csv(request: HttpRequest) -> StreamingHttpResponse:
    round_ = _national_round(request)
    return csv_attachment(codebook_rows(Questionnaire.of(round_.question_set)), f"kodebok-{round_.slug}.csv")


@raw_export_required
def codebook_xlsx(request: HttpRequest) -> FileResponse:
    round_ = _national_round(request)
    return xlsx_attachment(
        {"kodebok": codebook_rows(Questionnaire.of(round_.question_set))}, f"kodebok-{round_.slug}.xlsx"
    )


@municipality_reports_required
def workplace_reports(request: HttpRequest) -> HttpResponse:
    """The workplace reports this user may open: their municipality's, or all for admins."""
    responses = municipality_responses_for_staff(request.user).order_by("workplace__name")[:500]
    return render(request, "barometer/staff/reports.html", {"responses": responses})
