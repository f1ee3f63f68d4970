"""The workplace report: after submitting, through the respondent's link; for admins by id."""

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from surveys.models import Response
from surveys.questionnaire import AnswerValues, Questionnaire

from ..access import report_response_for_staff, report_response_for_token
from ..benchmark import data_version
from ..pdf import report_pdf
from ..reports import available_charts, build_workplace_report, chart_image


def _render_report(request: HttpRequest, response: Response, token: str | None) -> HttpResponse:
    report = build_workplace_report(response)
    summary = Questionnaire.for_response(response).answer_summary(AnswerValues.for_response(response))
    return render(
        request,
        "barometer/report.html",
        {
            "report": report,
            "response": response,
            "token": token,
            "charts": available_charts(report),
            "summary": summary,
        },
    )


def workplace_report(request: HttpRequest, token: str) -> HttpResponse:
    response = report_response_for_token(token)
    if not response.is_submitted:
        return redirect("surveys:welcome", token=token)
    return _render_report(request, response, token)


def workplace_report_for_staff(request: HttpRequest, response_id: int) -> HttpResponse:
    response = report_response_for_staff(request, response_id)
    if not response.is_submitted:
        raise Http404("not submitted")
    return _render_report(request, response, None)


def _submitted(token: str) -> Response:
    response = report_response_for_token(token)
    if not response.is_submitted:
        raise Http404("not submitted")
    return response


def report_chart(request: HttpRequest, token: str, name: str) -> HttpResponse:
    response = _submitted(token)
    report = build_workplace_report(response)
    if name not in available_charts(report):
        raise Http404("no such chart")
    round_id = report.round.pk if report.round else 0
    key = f"barometer:chart:{response.pk}:{name}:{get_language()}:{data_version(round_id)}"
    svg = cache.get(key)
    if svg is None:
        svg = chart_image(report, name)
        cache.set(key, svg, 60 * 60 * 24)
    result = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    result["Cache-Control"] = "private, max-age=300"
    return result


def report_pdf_download(request: HttpRequest, token: str) -> HttpResponse:
    response = _submitted(token)
    pdf = report_pdf(build_workplace_report(response))
    result = HttpResponse(pdf, content_type="application/pdf")
    result["Content-Disposition"] = 'attachment; filename="innovasjonsbarometeret-rapport.pdf"'
    return result
