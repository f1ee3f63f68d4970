"""Who may see what: one function per object type, returning the object or raising 404.

A 404 rather than a 403 for reports someone may not see, so that a guessed link or id
tells nothing about whether it exists.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from surveys.models import Invitation, Response


def _response_by_token(token: str) -> Response | None:
    if not token or len(token) > 64:
        return None
    invitation = Invitation.objects.filter(token=token).select_related("response").first()
    if invitation is not None:
        return getattr(invitation, "response", None)
    return Response.objects.filter(token=token).first()


def report_response_for_token(token: str) -> Response:
    """The response behind a respondent's link, which may see its own report only."""
    response = _response_by_token(token)
    if response is None:
        raise Http404("unknown link")
    return _with_report_relations(response.pk)


def report_response_for_staff(request: HttpRequest, response_id: int) -> Response:
    """A workplace report opened by id: admins only (municipality staff come with roles)."""
    user = request.user
    if not (user.is_authenticated and user.is_superuser):
        raise Http404("no such report")
    return _with_report_relations(response_id)


def _with_report_relations(response_id: int) -> Response:
    try:
        return Response.objects.select_related(
            "round", "question_set", "workplace", "municipality__county", "invitation"
        ).get(pk=response_id)
    except Response.DoesNotExist as exc:
        raise Http404("no such report") from exc
