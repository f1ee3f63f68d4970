"""Staff pages: aggregate benchmarks with filters, the published findings recomputed,
exports, and the list of workplace reports a user may open."""

from __future__ import annotations

import re

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from barometer.access import (
    aggregates_required,
    municipality_reports_required,
    municipality_responses_for_staff,
    raw_export_required,
    reads_live_figures,
    staff_municipality_id,
)
from barometer.engine.cache import cached
from barometer.formatting import NOT_SHOWN, group_with_base, lower_first, weighting_word
from barometer.forms import AggregateFilterForm
from barometer.outputs import exports
from barometer.outputs.charts import ShareBar, shares_chart
from barometer.reports.aggregate import aggregate_report, describe
from barometer.reports.findings import findings
from barometer.reports.rounds import is_preliminary
from barometer.views.reports import chart_layout, wants_weighting, weighting_links
from config.methods import allow_methods
from surveys.models import Municipality, Round, RoundKind
from surveys.questionnaire import Questionnaire
from surveys.services.response_files import codebook_rows, export_rows

from .downloads import BOM, csv_attachment, xlsx_attachment

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def _filter_form(request: HttpRequest) -> AggregateFilterForm:
    # Municipality staff read published snapshots: only the fixed set's combinations.
    return AggregateFilterForm(request.GET or {"round": ""}, fixed_set_only=not reads_live_figures(request.user))


def _published_only(request: HttpRequest) -> bool:
    return not reads_live_figures(request.user)


def _invalid(request: HttpRequest, form: AggregateFilterForm) -> HttpResponse:
    return render(request, "barometer/staff/aggregate.html", {"form": form, "report": None}, status=400)


@allow_methods("GET", "HEAD")
@aggregates_required
def aggregate(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    if not form.is_valid():
        return _invalid(request, form)
    round_ = form.cleaned_data["round"]
    if round_ is None:
        return render(request, "barometer/staff/aggregate.html", {"form": form, "report": None})
    report = aggregate_report(
        round_, form.to_filter(), weighted=wants_weighting(request), published=_published_only(request)
    )
    if report is None:
        return render(request, "barometer/staff/aggregate.html", {"form": form, "report": None, "unpublished": round_})
    # The chart and the files name the round shown, also when it was the default.
    query = request.GET.copy()
    query["round"] = str(round_.pk)
    query.pop("bredde", None)  # the chart's layout is the <picture>'s to choose
    return render(
        request,
        "barometer/staff/aggregate.html",
        {
            **weighting_links(request),
            "form": form,
            "report": report,
            "preliminary": is_preliminary(round_),
            "group": describe(report.filter),
            "group_in_sentence": lower_first(describe(report.filter)),
            "query": query.urlencode(),
            "shares": [row for row in report.rows if row.is_share],
            "scores": [row for row in report.rows if not row.is_share],
        },
    )


def share_bars(report) -> list[ShareBar]:
    """The bars of the statistics chart, one per share of an ``AggregateReport``. Only a
    figure that covers the group and measures the same is marked on its bar, and only
    beside weighted figures, as the published ones are (the table says "not compared"
    beside unweighted ones)."""
    return [
        ShareBar(
            # As the tables word a group and its base: "..., among workplaces with an innovation".
            label=group_with_base(row.indicator.name, row.base),
            value=row.estimate.value if row.estimate.shown else None,
            low=row.estimate.low,
            high=row.estimate.high,
            published=float(row.benchmark.value) / 100 if row.benchmark and report.weighted else None,
        )
        for row in report.rows
        if row.is_share
    ]


@allow_methods("GET", "HEAD")
@aggregates_required
def aggregate_chart(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    if not form.is_valid() or form.cleaned_data["round"] is None:
        raise Http404("no such chart")
    round_ = form.cleaned_data["round"]
    weighted = wants_weighting(request)
    published = _published_only(request)
    # Whether the figures may still change moves with the clock, not with any answer: it is
    # part of the key, so that a chart drawn during fieldwork is not served once it is over.
    preliminary = is_preliminary(round_)
    layout_name, layout = chart_layout(request)

    def draw() -> str:
        report = aggregate_report(round_, form.to_filter(), weighted=weighted, published=published)
        if report is None:
            return ""
        bars = share_bars(report)
        # One colon at most (the preliminary mark's). The weighting goes with the share, not
        # inside the group's own brackets ("(most central)" is not weighted).
        title = _(
            "Share of %(group)s for which each measure holds (%(weighting)s). Where a bar names a group of "
            "workplaces, the share is among those."
        ) % {"weighting": weighting_word(report.weighted), "group": lower_first(describe(report.filter))}
        return shares_chart(
            bars,
            title=title,
            national_label=_("Selected workplaces (with 95% interval)"),
            peer_label="",
            published_label=_("Published, Norway"),
            hidden_label=str(NOT_SHOWN),
            preliminary=preliminary,
            layout=layout,
        )

    # Code changes (a new drawing) move the figures version itself (``code_digest``).
    parts = (form.to_filter(), weighted, published, preliminary, get_language(), layout_name)
    svg = cached(round_.pk, "aggregate-chart", parts, draw)
    if not svg:
        raise Http404("not published")
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@allow_methods("GET", "HEAD")
@aggregates_required
def aggregate_export(request: HttpRequest, file_format: str) -> HttpResponse:
    export = exports.FORMATS.get(file_format)
    if export is None:
        raise Http404("no such format")
    form = _filter_form(request)
    if not form.is_valid() or form.cleaned_data["round"] is None:
        return _invalid(request, form)
    report = aggregate_report(
        form.cleaned_data["round"],
        form.to_filter(),
        weighted=wants_weighting(request),
        published=_published_only(request),
    )
    if report is None:
        raise Http404("not published")
    content = export.render(report)
    if export.name == "csv":
        content = BOM + content  # Excel then reads Norwegian letters right
    response = HttpResponse(content, content_type=export.content_type)
    # The group in the name too, so that files for two groups are never saved as one.
    group = file_name_part(describe(report.filter)) if report.filter.active() else ""
    # In the reader's language, as the group's name is: "-unweighted" in English.
    suffix = (f"-{group}" if group else "") + ("" if report.weighted else f"-{file_name_part(_('unweighted'))}")
    response["Content-Disposition"] = f'attachment; filename="barometer-{report.round.slug}{suffix}.{export.extension}"'
    return response


#: Spaces inside a number as the site writes it ("5 000"): plain, no-break or thin no-break.
_DIGIT_GROUP_SPACE = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d)")


def file_name_part(text: str) -> str:
    """``text`` (a group's name) as ASCII for a download's file name: "Virksomheter i
    kommuner med 5 000–19 999 innbyggere" -> "virksomheter-i-kommuner-med-5000-19999-innbyggere".
    A number keeps its digits together and a range its dash (slugify alone made "5-00019-999"
    of it); æ, ø and å are written as Norwegian writes them without (slugify drops them)."""
    text = _DIGIT_GROUP_SPACE.sub("", text)
    text = re.sub(r"\s*[–—]\s*", "-", text)
    text = text.translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"}))
    return slugify(text)


@allow_methods("GET", "HEAD")
@aggregates_required
def findings_page(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    form.is_valid()
    # The findings are about all workplaces of a round: only the round is offered and only
    # its error is told (a group's is moot here, and its field is not on the page).
    for name in [name for name in form.errors if name != "round"]:
        del form.errors[name]
    if form.errors:
        context = {"form": form, "round": None, "report": None, "findings": [], "breakdowns": []}
        return render(request, "barometer/staff/findings.html", context, status=400)
    round_ = form.cleaned_data["round"]
    published = _published_only(request)
    report = findings(round_, weighted=wants_weighting(request), published=published) if round_ else None
    return render(
        request,
        "barometer/staff/findings.html",
        {
            **weighting_links(request),
            "form": form,
            "round": round_,
            "report": report,
            "preliminary": round_ is not None and is_preliminary(round_),
            "internal": not published,
            "unpublished": round_ if round_ and report is None else None,
            "findings": report.findings if report else [],
            "breakdowns": report.breakdowns if report else [],
            # The findings are about all workplaces of the round: say so when a group was chosen.
            "ignored_filter": describe(form.to_filter()) if round_ and form.to_filter().active() else "",
        },
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


@allow_methods("GET", "HEAD")
@raw_export_required
def data_page(request: HttpRequest) -> HttpResponse:
    rounds = Round.objects.filter(kind=RoundKind.NATIONAL).order_by("-opens_at")
    return render(request, "barometer/staff/data.html", {"rounds": rounds})


@allow_methods("GET", "HEAD")
@raw_export_required
def raw_csv(request: HttpRequest) -> StreamingHttpResponse:
    round_ = _national_round(request)
    return csv_attachment(export_rows(round_), f"svar-{round_.slug}.csv")


@allow_methods("GET", "HEAD")
@raw_export_required
def raw_xlsx(request: HttpRequest) -> FileResponse:
    round_ = _national_round(request)
    questionnaire = Questionnaire.of(round_.question_set)
    return xlsx_attachment(
        {"svar": export_rows(round_), "kodebok": codebook_rows(questionnaire)}, f"svar-{round_.slug}.xlsx"
    )


@allow_methods("GET", "HEAD")
@raw_export_required
def codebook_csv(request: HttpRequest) -> StreamingHttpResponse:
    round_ = _national_round(request)
    return csv_attachment(codebook_rows(Questionnaire.of(round_.question_set)), f"kodebok-{round_.slug}.csv")


@allow_methods("GET", "HEAD")
@raw_export_required
def codebook_xlsx(request: HttpRequest) -> FileResponse:
    round_ = _national_round(request)
    return xlsx_attachment(
        {"kodebok": codebook_rows(Questionnaire.of(round_.question_set))}, f"kodebok-{round_.slug}.xlsx"
    )


@allow_methods("GET", "HEAD")
@municipality_reports_required
def workplace_reports(request: HttpRequest) -> HttpResponse:
    """The workplace reports this user may open (their municipality's, or all for admins),
    by workplace name, ``REPORTS_PER_PAGE`` a page (``?side=``), optionally only those whose
    workplace's name holds ``?sok=`` (any case). The page says how many it shows of how
    many: it used to stop at 500 without a word."""
    responses = municipality_responses_for_staff(request.user).order_by("workplace__name", "pk")
    search = request.GET.get("sok", "").strip()[:100]
    if search:
        responses = responses.filter(workplace__name__icontains=search)
    page = Paginator(responses, REPORTS_PER_PAGE).get_page(request.GET.get("side"))
    municipality = None
    if not request.user.is_superuser and staff_municipality_id(request.user):
        municipality = Municipality.objects.filter(pk=staff_municipality_id(request.user)).first()
    return render(
        request,
        "barometer/staff/reports.html",
        {
            "responses": page.object_list,
            "page": page,
            "search": search,
            "sees_all": request.user.is_superuser,
            "municipality": municipality,
        },
    )


#: Rows on a page of ``/rapporter/``.
REPORTS_PER_PAGE = 100
