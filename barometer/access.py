"""Who may see what: one function per object type, returning the object or raising.

- Respondents (no account) reach their own workplace's report through their link only.
- Municipality staff read the reports of their own municipality's workplaces.
- Analysts and municipality staff read aggregates; analysts and admins export raw responses.
- Admins (superusers) may do everything.

A report someone may not see answers 404, not 403, so that a guessed link or id tells
nothing about whether it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from barometer.engine.snapshots import LATEST_PUBLISHED_ROUND_ID
from surveys.i18n import activate_respondent_language
from surveys.links import find_link
from surveys.models import Invitation, Response
from surveys.statements import Prepared

VIEW_AGGREGATES = "barometer.view_aggregates"
EXPORT_RAW = "barometer.export_raw_responses"
VIEW_MUNICIPALITY_REPORTS = "barometer.view_municipality_reports"
VIEW_FIELDWORK = "barometer.view_fieldwork"

#: What a workplace report reads of its response, as ``select_related`` paths.
REPORT_RELATED = ("round", "question_set", "workplace", "municipality__county")
#: And what it reads besides, in the same statement: the round it compares with during
#: fieldwork (``barometer.reports.workplace.report_round_id``).
REPORT_COLUMNS = (LATEST_PUBLISHED_ROUND_ID,)


def reads_live_figures(user) -> bool:
    """The trusted tier: admins and analysts (who may export raw answers anyway) read live
    figures with any filter; everybody else reads published snapshots (docs/disclosure.md)."""
    return bool(user.is_authenticated and (user.is_superuser or user.has_perm(EXPORT_RAW)))


def report_response_for_token(request: HttpRequest, token: str) -> Response:
    """The response behind a respondent's link, which may see its own report only, with
    every relation its report reads, found with the link in one statement; its pages are
    shown in the response's language unless the device chose one. Raises ``Http404`` for
    an unknown link or an invitation not started (``find_link``)."""
    found = find_link(request, token, response_related=REPORT_RELATED, response_columns=REPORT_COLUMNS)
    response = getattr(found, "response", None) if isinstance(found, Invitation) else found
    if response is None:
        raise Http404("not started")
    activate_respondent_language(request, response.language)
    return response


def staff_municipality_id(user) -> int | None:
    membership = getattr(user, "staff_membership", None) if user.is_authenticated else None
    return membership.municipality_id if membership else None


def report_response_for_staff(request: HttpRequest, response_id: int) -> Response:
    """A workplace report opened by id: admins, and municipality staff for the responses
    counted in their municipality (``Response.municipality``, as the workplace was
    registered when it answered). The disclosure check assumes exactly this knowledge, so a
    workplace moved in the register later (a merger, a correction) does not move its reports.

    Raises ``Http404`` for anyone else signed in, so that a guessed id tells nothing. The
    views that call it send the signed-out to log in first (``signed_in_required``), for
    every id alike, so that a bookmarked or e-mailed link works after logging in."""
    user = request.user
    if not user.is_authenticated:
        raise Http404("no such report")
    response = _with_report_relations(response_id)
    if user.is_superuser:
        return response
    if (
        user.has_perm(VIEW_MUNICIPALITY_REPORTS)
        and response.workplace_id is not None
        and response.municipality_id == staff_municipality_id(user)
    ):
        return response
    raise Http404("no such report")


def municipality_responses_for_staff(user):
    """The submitted, counted responses whose reports ``user`` may open, for a list (see
    ``report_response_for_staff``)."""
    responses = Response.objects.countable().select_related("workplace", "round", "municipality")
    if user.is_superuser:
        return responses
    if user.has_perm(VIEW_MUNICIPALITY_REPORTS) and staff_municipality_id(user):
        return responses.filter(municipality_id=staff_municipality_id(user))
    return responses.none()


def _staff_required(allowed: Callable):
    """For staff pages: the anonymous are sent to log in; the logged-in whom ``allowed``
    refuses get 403 (sending them to the login page again would loop)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def staff_permission_required(permission: str):
    return _staff_required(lambda user: user.has_perm(permission))


aggregates_required = staff_permission_required(VIEW_AGGREGATES)
raw_export_required = staff_permission_required(EXPORT_RAW)
municipality_reports_required = staff_permission_required(VIEW_MUNICIPALITY_REPORTS)
fieldwork_required = staff_permission_required(VIEW_FIELDWORK)
# Admins only (superusers): for pages with personal data such as e-mail addresses.
admin_required = _staff_required(lambda user: user.is_superuser)
# Any signed-in user; the view decides the rest (a workplace report by id answers 404 to
# whoever may not read it). The signed-out go to log in, whatever the address names.
signed_in_required = _staff_required(lambda user: True)


#: A response by id with everything its report reads, in one query written once.
_REPORT_RESPONSE = Prepared(Response, (*REPORT_RELATED, "invitation"), "{id} = %s")


def _with_report_relations(response_id: int) -> Response:
    """The response with its round, question set, workplace, municipality and county and
    invitation; raises ``Http404`` when there is none."""
    response = _REPORT_RESPONSE.first([response_id])
    if response is None:
        raise Http404("no such report")
    return response
