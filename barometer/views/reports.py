"""The workplace report: what a respondent sees after submitting."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from surveys.models import Invitation, Response
from surveys.questionnaire import AnswerValues, Questionnaire


def response_for_report(token: str) -> Response:
    """The submitted response behind a respondent link, or 404."""
    invitation = Invitation.objects.filter(token=token).select_related("response").first()
    if invitation is not None:
        response = getattr(invitation, "response", None)
    else:
        response = Response.objects.filter(token=token).first()
    if response is None:
        raise Http404("unknown link")
    return response


def workplace_report(request: HttpRequest, token: str) -> HttpResponse:
    response = response_for_report(token)
    if not response.is_submitted:
        return redirect("surveys:welcome", token=token)
    questionnaire = Questionnaire.for_response(response)
    summary = questionnaire.answer_summary(AnswerValues.for_response(response))
    return render(request, "barometer/report.html", {"response": response, "summary": summary})
