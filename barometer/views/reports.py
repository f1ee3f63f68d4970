"""The workplace report: after submitting, through the respondent's link; for admins by id.

The report body and charts are cached under the comparison round's figures version
(``barometer.engine.cache.cached``), so a cached page costs a handful of queries and no
arithmetic, and any change to what the figures are made of shows at once.
"""

from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from barometer.access import report_response_for_staff, report_response_for_token, signed_in_required
from barometer.engine.cache import cached
from barometer.engine.disclosure import MIN_PUBLISHED, MIN_UNKNOWN
from barometer.outputs.charts import DRAWING_VERSION, PHONE_LAYOUT, SCREEN_LAYOUTS, ChartLayout
from barometer.outputs.pdf import report_pdf
from barometer.reports.workplace import (
    available_charts,
    build_workplace_report,
    chart_image,
    report_blocks,
    report_heading,
    report_round_id,
)
from config.methods import allow_methods
from surveys.dates import shifted
from surveys.models import Response
from surveys.page_shells import render_page
from surveys.questionnaire import AnswerValues, Questionnaire
from surveys.rendering import render_profile


def _comparison_round_id(response: Response) -> int | None:
    return report_round_id(response)


def _report_version_rounds(response: Response) -> tuple[int | None, tuple[int, ...]]:
    """The rounds a workplace report reads, for its cache version: the comparison round's
    figures, and the response's own round, whose data version moves when the response's own
    answers change (an answer deleted in the admin) even when it is another round."""
    comparison = _comparison_round_id(response)
    return comparison, (() if comparison == response.round_id else (response.round_id,))


def wants_weighting(request: HttpRequest) -> bool:
    """Weighted figures unless the reader asked for the unweighted ones (?vekting=av)."""
    return request.GET.get("vekting") != "av"


def weighting_links(request: HttpRequest) -> dict[str, str]:
    """The same page with weighting off and on, keeping every other parameter."""
    off, on = request.GET.copy(), request.GET.copy()
    off["vekting"] = "av"
    on.pop("vekting", None)
    return {"weighting_off_url": "?" + off.urlencode(), "weighting_on_url": "?" + on.urlencode()}


def chart_query(weighted: bool) -> str:
    """The query string of a chart's address: what the page was read in that changes the
    chart (its language and the weighting), so a chart opened on its own address is the
    one the page shows.

    Nothing that moves with the data: a chart is drawn from the figures the server holds
    when it is asked for (``report_chart`` reads the same cache under the same version as
    the page), and it is personal, never kept by a browser or a proxy (``private,
    no-store``). A version in the address would tell whoever reloads their report how
    often the round's data changed, a live count of submissions during fieldwork."""
    params = QueryDict(mutable=True)
    params["sprak"] = get_language()
    if not weighted:
        params["vekting"] = "av"
    return params.urlencode()


def chart_layout(request: HttpRequest) -> tuple[str, ChartLayout]:
    """The layout a chart's address asks for (``?bredde=``, a name in ``SCREEN_LAYOUTS``)
    with its name; a phone's (``PHONE_LAYOUT``) when it names none or one that is unknown,
    so that an old or edited address still gets a chart."""
    name = request.GET.get("bredde", "")
    if name in SCREEN_LAYOUTS:
        return name, SCREEN_LAYOUTS[name]
    return "telefon", PHONE_LAYOUT


def _render_report(request: HttpRequest, response: Response, token: str | None) -> HttpResponse:
    weighted = wants_weighting(request)
    # Staff (municipality staff, admins) read about the workplace; a respondent about "you".
    staff = token is None

    def body() -> dict:
        report = build_workplace_report(response, weighted=weighted, staff=staff)
        summary = Questionnaire.for_response(response).answer_summary(AnswerValues.for_response(response))
        html = render_to_string(
            "barometer/report_body.html",
            {
                "report": report,
                "response": response,
                "token": token,
                "charts": available_charts(report),
                "summary": summary,
                "blocks": report_blocks(report, summary),
                "staff": staff,
                "heading": report_heading(response, staff=staff),
                # Inside the "About the comparison" part (h3).
                "profile": render_profile(response, staff=staff, heading_level=4),
                # None when that lies past the year 9999: the link is then never removed.
                "link_expires": shifted(response.round.closes_at, timedelta(days=settings.RETENTION_DAYS)),
                "weighting_query": "" if weighted else "?vekting=av",
                "chart_query": chart_query(weighted) if token else "",
                **weighting_links(request),
            },
            request=request,
        )
        return {"body": html, "synthetic": report.is_synthetic}

    comparison, also = _report_version_rounds(response)
    page = cached(comparison, "report", (response.pk, bool(token), weighted, get_language()), body, also=also)
    # The frame around the report's body comes from a kept shell (``surveys.page_shells``):
    # it depends only on the language and these two flags (the template's name is in the
    # shell's key already); the body and heading are slots.
    return render_page(
        request,
        "barometer/report.html",
        key=(staff, page["synthetic"]),
        shared={"staff": staff, "synthetic": page["synthetic"]},
        own={"body": mark_safe(page["body"]), "heading": report_heading(response, staff=staff)},
        extra={"response": response},
    )


@allow_methods("GET", "HEAD")
def workplace_report(request: HttpRequest, token: str) -> HttpResponse:
    response = report_response_for_token(request, token)
    if not response.is_submitted:
        return redirect("surveys:welcome", token=token)
    return _render_report(request, response, token)


def _submitted_for_staff(request: HttpRequest, response_id: int) -> Response:
    response = report_response_for_staff(request, response_id)
    if not response.is_submitted:
        raise Http404("not submitted")
    return response


@allow_methods("GET", "HEAD")
@signed_in_required
def workplace_report_for_staff(request: HttpRequest, response_id: int) -> HttpResponse:
    """A workplace's report opened by id, about "the workplace": for those who may read it
    (``report_response_for_staff``); the signed-out are sent to log in and back."""
    return _render_report(request, _submitted_for_staff(request, response_id), None)


def _submitted(request: HttpRequest, token: str) -> Response:
    response = report_response_for_token(request, token)
    if not response.is_submitted:
        raise Http404("not submitted")
    return response


@allow_methods("GET", "HEAD")
def report_chart(request: HttpRequest, token: str, name: str) -> HttpResponse:
    response = _submitted(request, token)
    weighted = wants_weighting(request)
    layout_name, layout = chart_layout(request)
    language = request.GET.get("sprak")
    if language in dict(settings.LANGUAGES):
        # The address names the language, so the chart does not depend on a cookie.
        translation.activate(language)

    def draw() -> str:
        report = build_workplace_report(response, weighted=weighted)
        # An empty string is cached too: the report has no such chart.
        return chart_image(report, name, layout) if name in available_charts(report) else ""

    key = (response.pk, name, weighted, get_language(), layout_name, DRAWING_VERSION)
    comparison, also = _report_version_rounds(response)
    svg = cached(comparison, "chart", key, draw, also=also)
    if not svg:
        raise Http404("no such chart")
    # Personal: no Cache-Control here, so it gets the site's "private, no-store".
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


def pdf_filename(response_id: int | None = None) -> str:
    """The report PDF's file name in the active language ("innovasjonsbarometeret-rapport.pdf"
    in Norwegian, "innovasjonsbarometeret-report.pdf" in English), with the response's id
    when staff download it, so that two workplaces' reports are never saved as one."""
    # Translators: a file name: lower case, no spaces, no æ, ø or å.
    stem = _("innovasjonsbarometeret-report")
    return f"{stem}-{response_id}.pdf" if response_id is not None else f"{stem}.pdf"


def _pdf_download(
    request: HttpRequest, response: Response, web_address: str, *, staff: bool, filename: str
) -> HttpResponse:
    report = build_workplace_report(response, weighted=wants_weighting(request), staff=staff)
    result = HttpResponse(report_pdf(report, request.build_absolute_uri(web_address)), content_type="application/pdf")
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    return result


@allow_methods("GET", "HEAD")
def report_pdf_download(request: HttpRequest, token: str) -> HttpResponse:
    response = _submitted(request, token)
    return _pdf_download(
        request, response, reverse("barometer:report", args=[token]), staff=False,
        filename=pdf_filename(),
    )  # fmt: skip


@allow_methods("GET", "HEAD")
@signed_in_required
def report_pdf_for_staff(request: HttpRequest, response_id: int) -> HttpResponse:
    """The workplace report as PDF for those who may read it by id (admins, the
    municipality's staff: ``report_response_for_staff``), about "the workplace"."""
    response = _submitted_for_staff(request, response_id)
    return _pdf_download(
        request, response, reverse("barometer:staff_report", args=[response.pk]), staff=True,
        filename=pdf_filename(response.pk),
    )  # fmt: skip


@allow_methods("GET", "HEAD")
def method(request: HttpRequest) -> HttpResponse:
    """How the figures are computed, in plain language (like the barometers' method notes)."""
    return render(
        request,
        "barometer/method.html",
        {
            "min_group": settings.BAROMETER_MIN_GROUP_SIZE,
            "min_stratum": settings.BAROMETER_MIN_STRATUM_RESPONDENTS,
            "min_published": MIN_PUBLISHED,
            "min_unknown": MIN_UNKNOWN,
            "retention_days": settings.RETENTION_DAYS,
        },
    )
