"""Behind a proxy (issue 13, item 2): the client address comes from X-Forwarded-For only
through a trusted proxy, limits count per client, and every limit answers 429 with the time
to try again."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings

from config.clientip import client_ip
from surveys.models import Invitation, Response, WorkplaceType

PROXY = "10.0.0.2"
BEHIND_PROXY = {"TRUSTED_PROXIES": ["10.0.0.0/24", "127.0.0.1/32"]}


@pytest.fixture(autouse=True)
def empty_cache(db):
    cache.clear()


def _through_proxy(client_address: str, forged: str = "") -> dict:
    """The WSGI environ nginx produces: its own address as peer, the client appended to the header."""
    forwarded = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "203.0.113.9"),  # forged, direct
        (_through_proxy("198.51.100.7"), "198.51.100.7"),
        (_through_proxy("198.51.100.7", forged="1.2.3.4"), "198.51.100.7"),  # forged, through the proxy
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7, 127.0.0.1"}, "198.51.100.7"),  # two proxies
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "not-an-address"}, PROXY),
        ({"REMOTE_ADDR": PROXY}, PROXY),
    ],
)
@override_settings(**BEHIND_PROXY)
def test_the_client_is_the_right_most_untrusted_address(environ, expected):
    assert client_ip(RequestFactory().get("/", **environ)) == expected


def test_without_trusted_proxies_the_header_is_never_read():
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(request) == PROXY


@override_settings(TOKEN_FAILURE_RATE="3/h", **BEHIND_PROXY)
def test_wrong_links_from_one_client_behind_the_proxy_do_not_block_another(national_round, workplace):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    guesser = Client(**_through_proxy("203.0.113.9"))
    for attempt in range(3):
        assert guesser.get(f"/s/wrong-{attempt}/").status_code == 404
    limited = guesser.get("/s/wrong-again/")
    assert limited.status_code == 429 and 0 < int(limited["Retry-After"]) <= 3600
    assert re.search(r"Dere kan prøve igjen etter klokka \d\d:\d\d", limited.content.decode())
    # Forging another address in the header does not escape the limit ...
    assert Client(**_through_proxy("203.0.113.9", forged="192.0.2.55")).get("/s/wrong-4/").status_code == 429
    # ... and another client behind the same proxy still gets in.
    assert Client(**_through_proxy("198.51.100.7")).get(f"/s/{invitation.token}/").status_code == 200


@override_settings(TOKEN_FAILURE_RATE="3/h", **BEHIND_PROXY)
def test_a_forged_header_sent_directly_is_ignored(national_round, workplace):
    for attempt in range(3):
        Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}").get(f"/s/wrong-{attempt}/")
    assert Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.99").get("/s/x/").status_code == 429


@override_settings(**BEHIND_PROXY)
def test_wrong_admin_passwords_from_one_client_do_not_lock_out_the_admin_elsewhere(admin_user):
    attacker = Client(**_through_proxy("203.0.113.9"))
    for _ in range(6):
        attacker.post("/admin/login/", {"username": "admin", "password": "wrong"})
    assert attacker.post("/admin/login/", {"username": "admin", "password": "correct-horse-battery"}).status_code == 429
    admin = Client(**_through_proxy("198.51.100.7"))
    assert admin.post("/admin/login/", {"username": "admin", "password": "correct-horse-battery"}).status_code == 302


@override_settings(LOGIN_FAILURES_PER_ADDRESS="6/h", AXES_FAILURE_LIMIT=100, **BEHIND_PROXY)
def test_failed_logins_from_one_address_are_limited_across_user_names(db, django_user_model):
    client = Client(**_through_proxy("203.0.113.9"))
    for number in range(6):
        assert client.post("/konto/login/", {"username": f"user{number}", "password": "x"}).status_code == 200
    limited = client.post("/konto/login/", {"username": "user99", "password": "x"})
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert (
        Client(**_through_proxy("198.51.100.7"))
        .post("/konto/login/", {"username": "user99", "password": "x"})
        .status_code
        == 200
    )


@override_settings(LOGIN_FAILURES_PER_USERNAME="8/h", AXES_FAILURE_LIMIT=5, **BEHIND_PROXY)
def test_failed_logins_for_one_user_name_are_limited_across_addresses(db, django_user_model):
    django_user_model.objects.create_user("analytiker", password="correct-horse-battery")
    for number in range(8):
        client = Client(**_through_proxy(f"203.0.113.{number + 1}"))
        assert client.post("/konto/login/", {"username": "analytiker", "password": "x"}).status_code == 200
    fresh = Client(**_through_proxy("198.51.100.7"))
    assert fresh.post("/konto/login/", {"username": "analytiker", "password": "x"}).status_code == 429
    assert fresh.post("/konto/login/", {"username": "someone-else", "password": "x"}).status_code == 200


@override_settings(PASSWORD_RESET_PER_ADDRESS="4/h", PASSWORD_RESET_PER_EMAIL="2/h", **BEHIND_PROXY)
def test_password_reset_posts_are_throttled_per_address_and_per_email(db, django_user_model):
    django_user_model.objects.create_user("analytiker", email="analytiker@example.invalid", password="x-y-z-w-1")
    client = Client(**_through_proxy("203.0.113.9"))
    statuses = [
        client.post("/konto/password_reset/", {"email": "analytiker@example.invalid"}).status_code for _ in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert len(mail.outbox) == 2
    statuses = [client.post("/konto/password_reset/", {"email": f"n{i}@example.invalid"}).status_code for i in range(3)]
    assert statuses == [302, 429, 429]  # the address has used its four posts


@override_settings(SELF_TESTS_PER_ADDRESS="3/h", **BEHIND_PROXY)
def test_self_test_creation_is_throttled_per_address(self_test_round, municipality):
    profile = {"workplace_type": WorkplaceType.NURSING_HOME, "municipality": municipality.pk, "employees": 55}
    client = Client(**_through_proxy("203.0.113.9"))
    statuses = [client.post("/selvtest/", profile).status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert Response.objects.count() == 3
    assert Client(**_through_proxy("198.51.100.7")).post("/selvtest/", profile).status_code == 302
