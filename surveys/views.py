"""The respondent's pages: start, one page per section, review, submit.

No account is needed: a response is reached through an unguessable link (the invitation's
token, or a self-test's own token). Every view loads the response through
``_response_for_token``, the one place that decides whether a link is valid.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import (
    REASON_BAD_ORIGIN,
    REASON_BAD_REFERER,
    REASON_INSECURE_REFERER,
    REASON_MALFORMED_REFERER,
    REASON_NO_CSRF_COOKIE,
    REASON_NO_REFERER,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.methods import allow_methods
from config.throttling import Throttled

from . import rules
from .forms import SectionForm, SelfTestProfileForm
from .i18n import LANGUAGES, activate_respondent_language, current_language, device_chose_language
from .links import find_link
from .models import Answer, Invitation, QuestionSet, QuestionSetStatus, Response, Round, RoundKind
from .page_shells import render_page
from .questionnaire import AnswerValues, Questionnaire
from .rendering import render_profile, render_review
from .services.answering import (
    ResponseLocked,
    response_for_invitation,
    save_answers,
    start_self_test,
    submit_response,
)
from .shared_pages import shared_with_anonymous_visitors
from .templatetags.dates import deadline

REPORT_URL_NAME = "barometer:report"
# The questionnaire page that shows the workplace as registered (rendering.render_profile).
PROFILE_SECTION = "profile"
# Pages reached through a respondent link: the 429 page there talks about wrong links.
LINK_URL_NAMES = {"welcome", "section", "saved", "review", "report", "report_chart", "report_pdf"}


@allow_methods("GET", "HEAD")
@shared_with_anonymous_visitors
def home(request: HttpRequest) -> HttpResponse:
    question_set = QuestionSet.objects.filter(status=QuestionSetStatus.PUBLISHED).order_by("-published_at").first()
    return render(
        request, "surveys/home.html", {"question_set": question_set, "self_test_round": open_self_test_round()}
    )


@allow_methods("GET", "HEAD")
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (tilgjengelighetserklæring)."""
    return render(request, "surveys/accessibility.html", {"contact": settings.ACCESSIBILITY_CONTACT})


def open_self_test_round() -> Round | None:
    now = timezone.now()
    return (
        Round.objects.filter(kind=RoundKind.SELF_TEST, opens_at__lte=now, closes_at__gt=now)
        .select_related("question_set")
        .order_by("-opens_at")
        .first()
    )


# HEAD too: a public page that link checkers and uptime monitors ask with HEAD.
@allow_methods("GET", "HEAD", "POST")
@shared_with_anonymous_visitors
def self_test_start(request: HttpRequest) -> HttpResponse:
    round_ = open_self_test_round()
    if round_ is None:
        return render(request, "surveys/self_test_unavailable.html", status=503)
    switch_to = request.POST.get("language") if request.method == "POST" else None
    if switch_to is not None:
        # The language buttons submit this form: it comes back in the new language with
        # what was entered, and an error only on what was entered and is not valid.
        language = _activate(request, switch_to)
        form = SelfTestProfileForm(request.POST)
        form.is_valid()
        for name in [name for name in form.errors if not request.POST.get(name)]:
            del form.errors[name]
        page = render(
            request,
            "surveys/self_test_start.html",
            {"form": form, "round": round_, "question_set": round_.question_set, "answers_form_id": "answers"},
            status=400 if form.errors else 200,
        )
        return _remember_language(page, language)
    form = SelfTestProfileForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        response = start_self_test(
            round=round_,
            workplace_type=form.cleaned_data["workplace_type"],
            municipality=form.cleaned_data["municipality"],
            employees=form.cleaned_data["employees"],
            language=current_language(),
        )
        return redirect("surveys:welcome", token=response.token)
    return render(
        request,
        "surveys/self_test_start.html",
        {"form": form, "round": round_, "question_set": round_.question_set, "answers_form_id": "answers"},
        status=400 if form.errors else 200,
    )


def _response_for_token(
    request: HttpRequest, token: str, *, with_profile: bool = False, with_answers: bool = False
) -> Response:
    """The response behind a respondent link, or 404. Activates the response's language
    on a device that has not chosen one, and remembers a language chosen on this one.
    ``with_profile``: for a page with the profile box, the workplace and municipality come
    in the same query (``find_link``); ``with_answers``: the answers too, for
    ``AnswerValues.for_page``."""
    found = find_link(request, token, with_profile=with_profile, with_answers=with_answers)
    chose_language = device_chose_language(request)
    if isinstance(found, Invitation):
        response = response_for_invitation(found, language=current_language() if chose_language else found.language)
    else:
        response = found
    if chose_language:
        language = current_language()
        if language != response.language and not response.is_submitted:
            Response.objects.filter(pk=response.pk).update(language=language)
            response.language = language
    else:
        activate_respondent_language(request, response.language)
    return response


def _gate(request: HttpRequest, response: Response) -> HttpResponse | None:
    """A page to show instead of the questionnaire: submitted, not open yet, or closed."""
    if response.is_submitted:
        return redirect(REPORT_URL_NAME, token=response.link_token)
    round_ = response.round
    if round_.has_not_opened():
        return render(request, "surveys/round_not_open.html", {"round": round_}, status=403)
    if round_.has_closed():
        return render(request, "surveys/round_closed.html", {"round": round_}, status=403)
    return None


def _progress(questionnaire: Questionnaire, values: AnswerValues, section) -> dict:
    """Where the respondent is: part ``number`` of ``total`` (the parts their answers so far
    lead to), ``percent`` done, and ``skipped``, whether the total is below the one the
    respondent started with (an answer skipped some parts, which the page says)."""
    visible = questionnaire.expected_sections(values)
    codes = [s.code for s in visible]
    number = codes.index(section.code) + 1 if section.code in codes else 1
    return {
        "number": number,
        "total": len(visible),
        "percent": round(100 * number / max(len(visible), 1)),
        "skipped": len(visible) < questionnaire.longest_path,
    }


def resume_url(response: Response) -> str:
    return settings.SITE_URL + reverse("surveys:welcome", args=[response.link_token])


@allow_methods("GET", "HEAD")
def welcome(request: HttpRequest, token: str) -> HttpResponse:
    response = _response_for_token(request, token, with_profile=True, with_answers=True)
    gate = _gate(request, response)
    if gate:
        return gate
    questionnaire = Questionnaire.for_response(response)
    values = AnswerValues.for_page(response)
    next_section = questionnaire.first_incomplete_section(values)
    started = bool(values.options or values.numbers or values.texts)
    question_set = response.question_set
    section_total = len(questionnaire.expected_sections(values))
    return render_page(
        request,
        "surveys/welcome.html",
        key=_shell_key(question_set, started, section_total),
        shared={"question_set": question_set, "started": started, "section_total": section_total},
        own={
            "next_url": (
                reverse("surveys:section", args=[token, next_section.code])
                if next_section
                else reverse("surveys:review", args=[token])
            ),
            "resume_url": resume_url(response),
            "deadline": deadline(response.round.closes_at),
            "profile": render_profile(response),
        },
        extra={"response": response},
    )


def _shell_key(question_set: QuestionSet, *flags) -> tuple | None:
    """The key of a page's kept shell (``surveys.page_shells``): the set and its revision,
    which name its texts, and what else the page shows; None for a draft, whose texts
    change without a new revision."""
    if question_set.status == QuestionSetStatus.DRAFT:
        return None
    return (question_set.pk, question_set.revision, *flags)


@allow_methods("GET", "POST")
def section(request: HttpRequest, token: str, code: str) -> HttpResponse:
    # The answers come with the link on a save too: they are read before the save's own
    # transaction, as a statement of their own would read them.
    response = _response_for_token(request, token, with_profile=code == PROFILE_SECTION, with_answers=True)
    gate = _gate(request, response)
    if gate:
        return gate
    questionnaire = Questionnaire.for_response(response)
    current = questionnaire.section(code)
    if current is None:
        raise Http404("unknown section")
    values = AnswerValues.for_page(response)
    if current not in questionnaire.visible_sections(values):
        # Skipped by the answers given so far: go where the respondent should be.
        return redirect("surveys:welcome", token=token)
    questions = questionnaire.visible_questions(current, values)
    switch_to = request.POST.get("language") if request.method == "POST" else None
    if switch_to is not None:
        return _switch_language(request, response, current, questions, values, switch_to)
    action = request.POST.get("action", "next")
    form = SectionForm(
        request.POST or None,
        questions=questions,
        values=values,
        partial=action in {"back", "save"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            answers = form.answers()
            save_answers(response=response, answers=answers, language=current_language())
        except ResponseLocked:
            return redirect(REPORT_URL_NAME, token=token)
        values = values.replaced(answers)
        if action == "save":
            _email_resume_link(response)
            return redirect("surveys:saved", token=token)
        previous, following = questionnaire.neighbours(current, values)
        if action == "back":
            return (
                redirect("surveys:section", token=token, code=previous.code)
                if previous
                else redirect("surveys:welcome", token=token)
            )
        if _from_review(request):
            return _after_change_from_review(token, questionnaire, values)
        if following is None:
            return redirect("surveys:review", token=token)
        return redirect("surveys:section", token=token, code=following.code)
    return _render_section(request, response, questionnaire, current, form, values)


#: The query parameter of the review page's "Change" links: "Next" then returns to the review.
FROM_REVIEW = ("fra", "oppsummering")


def _from_review(request: HttpRequest) -> bool:
    return request.GET.get(FROM_REVIEW[0]) == FROM_REVIEW[1]


def _after_change_from_review(token: str, questionnaire: Questionnaire, values: AnswerValues) -> HttpResponse:
    """Where "Next" leads after a change made from the review page: back to the review,
    unless the change made a required question appear that has no answer yet ("no" to
    every kind of innovation brings the question about work in progress). Then to that
    question's part first, still returning to the review after it."""
    missing = rules.missing_required(questionnaire, values)
    if not missing:
        return redirect("surveys:review", token=token)
    section = next(s for s in questionnaire.sections if s.pk == missing[0].section_id)
    url = reverse("surveys:section", kwargs={"token": token, "code": section.code})
    return redirect(f"{url}?{FROM_REVIEW[0]}={FROM_REVIEW[1]}")


def _render_section(request, response, questionnaire, current, form, values) -> HttpResponse:
    previous, following = questionnaire.neighbours(current, values)
    show_profile = current.code == PROFILE_SECTION
    progress = _progress(questionnaire, values, current)
    shared = {
        "section": current,
        "show_profile": show_profile,
        "has_errors": bool(form.errors),
        "parts_skipped": progress["skipped"],
        "is_last": following is None,
        "from_review": _from_review(request),
        "answers_form_id": "answers",
    }
    return render_page(
        request,
        "surveys/section.html",
        key=_shell_key(questionnaire.question_set, current.pk, *(shared[name] for name in SECTION_SHELL_FLAGS)),
        shared=shared,
        own={
            "progress": {name: progress[name] for name in ("number", "total", "percent")},
            "profile": render_profile(response) if show_profile else "",
            # Rendered only when there is something to say: a page without errors has none.
            "error_summary": (
                render_to_string("partials/error_summary.html", {"errors": form.error_summary()}) if form.errors else ""
            ),
            "answers": form.as_answers(),
        },
        # The whole ``progress`` (with ``skipped``) for a page rendered normally and for the tests.
        extra={"response": response, "form": form, "previous": previous, "progress": progress},
        status=400 if form.errors else 200,
    )


#: What a section page shows besides its section's texts (the rest of the shell's key).
SECTION_SHELL_FLAGS = ("show_profile", "has_errors", "parts_skipped", "is_last", "from_review")


def _switch_language(request, response, current, questions, values, language: str) -> HttpResponse:
    """The language switch on a questionnaire page: it submits the page's answers with it.

    Answers that are valid so far are saved (required ones may still be empty); the page
    then comes back in the new language. When an answer is not valid yet, nothing is saved
    and the page comes back in the new language with the answers as given and their errors:
    what the respondent entered is never dropped.
    """
    language = _activate(request, language)
    form = SectionForm(request.POST, questions=questions, values=values, partial=True)
    if form.is_valid():
        try:
            save_answers(response=response, answers=form.answers(), language=language)
        except ResponseLocked:
            return redirect(REPORT_URL_NAME, token=response.link_token)
        page = redirect(request.get_full_path())  # the same page, still returning to the review if it did
    else:
        if language != response.language and not response.is_submitted:
            Response.objects.filter(pk=response.pk).update(language=language)
            response.language = language
        page = _render_section(request, response, Questionnaire.for_response(response), current, form, values)
    return _remember_language(page, language)


def _activate(request: HttpRequest, language: str) -> str:
    """Activate a language chosen with the switch (an unknown one keeps the current)."""
    if language not in LANGUAGES:
        language = current_language()
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def _remember_language(page: HttpResponse, language: str) -> HttpResponse:
    """Set the language cookie as Django's ``set_language`` view does."""
    page.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return page


def _email_resume_link(response: Response) -> bool:
    invitation = response.invitation
    if invitation is None or not invitation.email:
        return False
    context = {"response": response, "resume_url": resume_url(response), "round": response.round}
    with translation.override(response.language):
        send_mail(
            subject=_("Your link to the Innovation Barometer"),
            message=render_to_string("surveys/email/resume.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    return True


@allow_methods("GET", "HEAD")
def saved(request: HttpRequest, token: str) -> HttpResponse:
    response = _response_for_token(request, token)
    gate = _gate(request, response)
    if gate:
        return gate
    emailed = response.invitation is not None and bool(response.invitation.email)
    return render(
        request, "surveys/saved.html", {"response": response, "resume_url": resume_url(response), "emailed": emailed}
    )


@allow_methods("GET", "POST")
def review(request: HttpRequest, token: str) -> HttpResponse:
    # A submit reads the answers after it, from the database (a refused one shows them).
    response = _response_for_token(request, token, with_answers=request.method != "POST")
    gate = _gate(request, response)
    if gate:
        return gate
    questionnaire = Questionnaire.for_response(response)
    missing: tuple[str, ...] = ()
    if request.method == "POST":
        with transaction.atomic():
            result = submit_response(response=response, questionnaire=questionnaire)
        if result.submitted:
            return redirect(REPORT_URL_NAME, token=token)
        missing = result.missing_section_codes
    values = AnswerValues.for_page(response)
    summary = questionnaire.answer_summary(values)
    # One reverse for every part's "Change" link: the address up to the part's code.
    change = reverse("surveys:section", args=[token, "-"])[: -len("-/")]
    return render_page(
        request,
        "surveys/review.html",
        # A refused submit lists the respondent's missing parts with their links: rendered normally.
        key=None if missing else _shell_key(questionnaire.question_set),
        shared={"missing": [entry for entry in summary if entry["section"].code in missing]},
        own={"answers": render_review(summary, lambda code: f"{change}{code}/?{FROM_REVIEW[0]}={FROM_REVIEW[1]}")},
        extra={"response": response},
        status=400 if missing else 200,
    )


#: What a refused form was for, by the page it was sent to (``csrf_failure``).
ANSWERS_PAGE, SUBMIT_PAGE, SELF_TEST_PAGE = "surveys:section", "surveys:review", "surveys:self_test"

#: Why Django's CSRF check refused a form, as ``csrf_failure`` tells it (``refusal_cause``).
#: ``cookie_missing``: no CSRF cookie came with the form; ``cookie_damaged``: the cookie is
#: not one Django writes (it sends a new one with the refusal); ``cookie_replaced``: the
#: form's token does not match the cookie, which was replaced after the page was opened
#: (logging in, deleted cookies); ``token_invalid``: the form came without a token, or a
#: token that is not one Django writes; ``other_address``: the Origin or Referer names
#: another site (or an unencrypted page of this one); ``origin_withheld``: the browser sent
#: no Referer (or ``Origin: null``) on HTTPS; ``origin_unreadable``: the Referer is not an
#: address.
CSRF_CAUSES = (
    "cookie_missing",
    "cookie_damaged",
    "cookie_replaced",
    "token_invalid",
    "other_address",
    "origin_withheld",
    "origin_unreadable",
)


def _reason_prefix(reason_template: str) -> str:
    """The fixed start of one of Django's reasons with a ``%s`` in it."""
    return reason_template.split("%s", 1)[0]


def refusal_cause(reason: str) -> str:
    """Which of ``CSRF_CAUSES`` the reason Django gives for refusing a form is. The reasons
    are ``django.middleware.csrf``'s constants, some with an address or a token's source put
    in; anything unforeseen counts as a form that came without a valid token, which says no
    more than that the form could not be checked."""
    if reason == REASON_NO_CSRF_COOKIE:
        return "cookie_missing"
    if reason.startswith("CSRF cookie "):  # "CSRF cookie has incorrect length." and the like
        return "cookie_damaged"
    if reason.startswith("CSRF token from ") and reason.endswith(" incorrect."):
        return "cookie_replaced"
    if reason == REASON_NO_REFERER or reason == REASON_BAD_ORIGIN % "null":
        return "origin_withheld"  # a privacy setting can send "Origin: null" as well
    if reason == REASON_MALFORMED_REFERER:
        return "origin_unreadable"
    if reason == REASON_INSECURE_REFERER or reason.startswith(
        (_reason_prefix(REASON_BAD_ORIGIN), _reason_prefix(REASON_BAD_REFERER))
    ):
        return "other_address"
    # REASON_CSRF_TOKEN_MISSING, "CSRF token from POST has incorrect length." and the like.
    return "token_invalid"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The page for a form the CSRF check refused (``CSRF_FAILURE_VIEW``): 403, saying only
    what is true of this request. Nothing the form sent was saved; answers saved before are
    said to be saved only when the link's response has some, and it is said that answers
    were not submitted only for the review page. Why the form could not be used is said as
    Django's reason has it (``refusal_cause``): no cookie or a damaged one; a token that no
    longer matches the cookie, which was replaced (by logging in, or deleted cookies) after
    the page was opened; a form without a valid token; a form sent from another address, or
    from a browser that withheld where it came from. Neither another tab nor time alone
    refuses a form: tabs share the cookie, and it lasts a year (``CSRF_COOKIE_AGE``).

    Methods a page does not take never come here (``config.errors.MethodNotAllowedPage``
    answers them with 405 first). A respondent link is looked up as every respondent page
    looks it up (``find_link``): an unknown link is a 404 and counts towards the address's
    limit, so this page tells nothing about links that a GET would not."""
    match = request.resolver_match
    page = match.view_name if match is not None else ""
    try:
        site = request.build_absolute_uri("/")
    except DisallowedHost:  # the host check refuses the request before the CSRF check; to be safe
        site = ""
    context = {
        "cause": refusal_cause(reason),
        "site": site,
        # A form refused for its address may be the deployment's fault (CSRF_TRUSTED_ORIGINS,
        # a proxy's X-Forwarded-Proto), which the page cannot see: the respondent can tell us.
        "contact": settings.ACCESSIBILITY_CONTACT,
        "page": {ANSWERS_PAGE: "answers", SUBMIT_PAGE: "submit", SELF_TEST_PAGE: "self_test"}.get(page, "other"),
        "submitted": False,
        "saved": False,
    }
    if page in (ANSWERS_PAGE, SUBMIT_PAGE):
        try:
            found = find_link(request, match.kwargs.get("token", ""))
        except Throttled as exc:
            return too_many_attempts(request, exc)
        response = getattr(found, "response", None) if isinstance(found, Invitation) else found
        activate_respondent_language(request, response.language if response is not None else found.language)
        if response is not None:
            context["submitted"] = response.is_submitted
            context["saved"] = Answer.objects.filter(response=response).exists()
    return render(request, "csrf_failure.html", context, status=403)


def too_many_attempts(request: HttpRequest, exception=None) -> HttpResponse:
    """The 429 page, saying when to try again (``Retry-After`` in seconds, and a time of day)."""
    retry_after = getattr(exception, "retry_after", None) or 3600
    context = {
        "retry_at": timezone.localtime(timezone.now() + timedelta(seconds=retry_after)),
        "links": request.resolver_match is not None and request.resolver_match.url_name in LINK_URL_NAMES,
    }
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response
