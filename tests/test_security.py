"""Links, logins, headers and failures under hostile or unlucky conditions."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client, override_settings
from django.utils import timezone

from surveys.links import token_digest
from surveys.models import Invitation, Response
from surveys.services.retention import apply_retention, delete_workplace_responses
from tests.builders import ResponseBuilder, innovator


@pytest.fixture
def invitation(national_round, workplace):
    return Invitation.objects.create(round=national_round, workplace=workplace, email="rektor@example.invalid")


def test_tokens_are_long_random_and_stored_with_their_digest(invitation):
    assert len(invitation.token) >= 43  # 32 random bytes, URL-safe: 256 bits
    assert invitation.token_digest == token_digest(invitation.token)
    other = Invitation.objects.create(round=invitation.round, workplace=_another_workplace(invitation))
    assert other.token != invitation.token


def _another_workplace(invitation):
    from surveys.models import Workplace

    return Workplace.objects.create(
        name="Annen", workplace_type="kindergarten", municipality=invitation.workplace.municipality
    )


def test_a_link_that_differs_by_one_character_is_unknown(client, invitation):
    near = invitation.token[:-1] + ("A" if invitation.token[-1] != "A" else "B")
    assert client.get(f"/s/{near}/").status_code == 404
    assert client.get(f"/s/{invitation.token}/").status_code == 200


@override_settings(TOKEN_FAILURE_RATE="3/h")
def test_repeated_wrong_links_are_rate_limited_for_every_app_process(invitation):
    from django.core.cache import cache

    cache.clear()
    client = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(3):
        assert client.get(f"/s/wrong-{attempt}/").status_code == 404
    limited = client.get("/s/wrong-again/")
    assert limited.status_code == 429
    assert limited["Retry-After"]
    # Even a right link is refused from that address for a while ...
    assert client.get(f"/s/{invitation.token}/").status_code == 429
    # ... while other addresses are not affected.
    assert Client(REMOTE_ADDR="198.51.100.7").get(f"/s/{invitation.token}/").status_code == 200


def test_an_empty_login_says_what_to_write_in_an_error_summary(client, db):
    """Not Django's "Feltet er påkrevet." without a summary: the login form says what to
    write, in a summary that links to the field, as every other form does."""
    page = client.post("/konto/login/", {}, HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    summary = page[page.index('class="error-summary') : page.index("</div>", page.index('class="error-summary'))]
    assert 'href="#id_username"' in summary and "Skriv brukernavnet ditt." in summary
    assert "Skriv passordet ditt." in summary and "påkrevet" not in page


def test_failed_logins_lock_out_after_five_tries(db, django_user_model):
    django_user_model.objects.create_user("analytiker", password="correct-horse-battery")
    client = Client(REMOTE_ADDR="203.0.113.10")
    for _ in range(5):
        response = client.post("/konto/login/", {"username": "analytiker", "password": "wrong"})
        assert response.status_code in {200, 429}
    locked = client.post("/konto/login/", {"username": "analytiker", "password": "correct-horse-battery"})
    assert locked.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in locked.templates]


def test_pages_carry_a_content_security_policy_without_inline_code(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


# --- The policy built once (config.csp) gives what django-csp builds -----------------------


def library_policy_header(**settings_changes) -> dict:
    """The headers django-csp's own middleware sets on a plain page."""
    from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    with override_settings(**settings_changes):
        response = LibraryCSPMiddleware(lambda request: HttpResponse("page"))(RequestFactory().get("/"))
    return {name: value for name, value in response.items() if "Content-Security-Policy" in name}


def built_once(view, **settings_changes):
    from django.test import RequestFactory

    from config.csp import CSPMiddleware

    with override_settings(**settings_changes):
        request = RequestFactory().get("/")
        return request, CSPMiddleware(view)(request)


@pytest.mark.parametrize("path", ["/", "/selvtest/", "/metode/", "/konto/login/", "/finnes-ikke/"])
def test_every_page_gets_the_policy_django_csp_builds(client, db, path):
    response = client.get(path)
    assert {n: v for n, v in response.items() if "Content-Security-Policy" in n} == library_policy_header()


def test_a_changed_policy_setting_is_built_again():
    from django.http import HttpResponse

    changed = {**settings.CONTENT_SECURITY_POLICY}
    changed["DIRECTIVES"] = {**changed["DIRECTIVES"], "img-src": ["'self'", "https://kart.example.no"]}
    _request, response = built_once(lambda request: HttpResponse("page"), CONTENT_SECURITY_POLICY=changed)
    assert "img-src 'self' https://kart.example.no" in response["Content-Security-Policy"]
    _request, response = built_once(lambda request: HttpResponse("page"))
    assert "kart.example.no" not in response["Content-Security-Policy"]


def test_a_view_that_changes_the_policy_gets_django_csps_own_handling():
    from csp.decorators import csp_exempt, csp_update
    from django.http import HttpResponse

    @csp_update({"img-src": ["https://kart.example.no"]})
    def updating(request):
        return HttpResponse("map")

    @csp_exempt()
    def exempt(request):
        return HttpResponse("no policy")

    _request, response = built_once(updating)
    assert "https://kart.example.no" in response["Content-Security-Policy"]
    _request, response = built_once(exempt)
    assert "Content-Security-Policy" not in response


def test_a_nonce_used_by_the_page_is_in_its_policy_and_one_asked_for_later_is_refused():
    from csp.constants import NONCE
    from csp.exceptions import CSPNonceError
    from django.http import HttpResponse

    def with_nonce(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "script-src": ["'self'", NONCE]}
    request, response = built_once(with_nonce, CONTENT_SECURITY_POLICY=policy)
    assert f"script-src 'self' 'nonce-{request._csp_nonce}'" in response["Content-Security-Policy"]
    request, response = built_once(lambda request: HttpResponse("page"))
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_a_report_only_policy_in_the_settings_is_sent_as_django_csp_sends_it():
    from django.http import HttpResponse

    report_only = {"DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp-rapport/"}}
    _request, response = built_once(
        lambda request: HttpResponse("page"), CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only
    )
    headers = {n: v for n, v in response.items() if "Content-Security-Policy" in n}
    assert headers == library_policy_header(CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only)
    assert "Content-Security-Policy-Report-Only" in headers


def test_a_database_outage_gets_a_503_try_again_page(db, monkeypatch):
    def database_down():
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr("surveys.views.open_self_test_round", database_down)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Prøv igjen om litt" in html and "try again" in html
    assert "Traceback" not in html and "127.0.0.1" not in html


def test_other_server_errors_get_a_plain_500_page(db, monkeypatch):
    from config.errors import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(None)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Traceback" not in html
    # A way out in every language, and the respondent addressed as "dere" (README).
    assert html.count('<a href="/">') == 3 and "Svarene dere allerede har lagret" in html


@pytest.mark.parametrize(
    ("language", "heading"),
    [("nb", "Siden kan ikke brukes slik"), ("nn", "Sida kan ikkje brukast slik"),
     ("en", "This page cannot be used that way")],
)  # fmt: skip
def test_a_method_a_page_does_not_take_gets_a_page_not_a_blank_405(client, db, language, heading):
    """Django's 405 has no body: a white page with no way back (found by a fresh helper)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.put("/selvtest/")
    assert response.status_code == 405 and "POST" in response["Allow"]
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html and f'<html lang="{language}"' in html and 'href="/"' in html


def test_the_405_page_says_what_was_wrong_without_a_bookmark_of_a_button(client, django_user_model):
    """It said "for example from a bookmark of a button": a typo, and a bookmark sends a GET,
    which the pages take. The same neutral words for a respondent and a signed-in user."""
    user = django_user_model.objects.create_user("analytiker", password="correct-horse-battery", is_staff=True)
    signed_in = Client()
    signed_in.force_login(user)
    for visitor in (client, signed_in):
        visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        html = visitor.put("/selvtest/").content.decode()
        assert "bookmark" not in html
        assert "This page does not accept this kind of request. Go back and use the page's own links" in html


def test_opening_the_logout_address_asks_and_logging_out_stays_a_post(client, django_user_model):
    """A GET to /konto/logout/ (a bookmark, a typed address) was a blank 405; it must not log
    out by itself (a link on another site could), so it shows a page with the button."""
    assert client.get("/konto/logout/").url == "/"  # nobody to log out
    # A next that is no address was taken for a view name: a 500 (the query-string sweep).
    assert client.get("/konto/logout/?next=0").status_code == 302
    user = django_user_model.objects.create_user("analytiker", password="correct-horse-battery")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    page = client.get("/konto/logout/")
    html = page.content.decode()
    assert page.status_code == 200 and "<h1>Logge ut?</h1>" in html and 'method="post" action="/konto/logout/"' in html
    assert "_auth_user_id" in client.session  # still signed in after the GET
    assert client.post("/konto/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_error_report_survives_a_form_too_large_to_read(client, db):
    """With no self-test open, the start page answers 503 before reading the form; the error
    e-mail then read it and raised TooManyFieldsSent out of the logging: no response."""
    fields = {f"felt{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    assert client.post("/selvtest/", fields).status_code == 503


def test_a_form_too_large_gets_a_400_about_the_form_not_the_address(client, self_test_round):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    response = client.post("/selvtest/", {f"felt{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)})
    html = response.content.decode()
    assert response.status_code == 400 and "<h1>Skjemaet kunne ikke tas imot</h1>" in html
    assert "adressen" not in html.split("<h1>", 1)[1].split("</main>")[0]


def test_a_signed_in_user_s_404_speaks_of_reports_not_of_e_mailed_links(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("kommune", password="correct-horse-battery"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/finnes-ikke/").content.decode()
    assert "your account may not give access to it" in html and "e-mail" not in html


def test_retention_removes_addresses_and_links_of_old_rounds_but_keeps_answers(barometer_data, invitation,
                                                                               question_set):  # fmt: skip
    round_ = invitation.round
    builder = ResponseBuilder(round_)
    response = builder.submitted(
        workplace_type=invitation.workplace.workplace_type,
        municipality=invitation.workplace.municipality,
        workplace=invitation.workplace,
        answers=innovator(),
    )
    Response.objects.filter(pk=response.pk).update(invitation=invitation)
    assert apply_retention(30).invitations == 0  # the round is still open
    round_.opens_at = timezone.now() - timedelta(days=120)
    round_.closes_at = timezone.now() - timedelta(days=60)
    round_.save()
    token = invitation.token
    call_command("apply_retention", "--days", "30", stdout=open("/dev/null", "w"))  # noqa: SIM115
    invitation.refresh_from_db()
    assert (invitation.email, invitation.token, invitation.token_digest) == ("", None, None)
    assert Client().get(f"/s/{token}/rapport/").status_code == 404
    assert Response.objects.get(pk=response.pk).answers.count() > 10


def test_a_workplace_can_have_its_responses_removed(barometer_data, invitation):
    builder = ResponseBuilder(invitation.round)
    builder.submitted(
        workplace_type=invitation.workplace.workplace_type,
        municipality=invitation.workplace.municipality,
        workplace=invitation.workplace,
        answers=innovator(),
    )
    assert delete_workplace_responses(invitation.workplace) == 1
    assert not Response.objects.filter(workplace=invitation.workplace).exists()


def test_the_admin_action_asks_before_removing_responses(admin_client, barometer_data, invitation):
    builder = ResponseBuilder(invitation.round)
    workplace = invitation.workplace
    builder.submitted(
        workplace_type=workplace.workplace_type, municipality=workplace.municipality, workplace=workplace,
        answers=innovator(),
    )  # fmt: skip
    data = {"action": "delete_responses", "_selected_action": [invitation.workplace.pk]}
    confirm = admin_client.post("/admin/surveys/workplace/", data)
    assert confirm.status_code == 200 and Response.objects.exists()
    admin_client.post("/admin/surveys/workplace/", {**data, "confirmed": "yes"})
    assert not Response.objects.exists()


def test_changes_to_reference_data_are_kept_in_an_audit_history(admin_client, barometer_data):
    from barometer.models import ReferenceFigure

    figure = ReferenceFigure.objects.get(key="no2018-collaboration-voluntary")
    figure.note_en = "Corrected note."
    figure.save()
    assert figure.history.count() == 2
    assert figure.history.first().note_en == "Corrected note."
    page = admin_client.get(f"/admin/barometer/referencefigure/{figure.pk}/history/")
    assert page.status_code == 200
