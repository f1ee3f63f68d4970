"""Links, logins, headers and failures under hostile or unlucky conditions."""

from datetime import timedelta

import pytest
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
    assert "Traceback" not in response.content.decode()


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
