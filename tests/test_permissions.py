"""Who may open what: every URL of the site, for every kind of visitor.

The list of URLs comes from the URL resolver, so a new URL without an entry in EXPECTED
fails this test until someone decides who may see it.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from barometer.models import StaffMembership
from barometer.synthetic import generate_round
from surveys.models import Invitation, Municipality, Response
from tests.answering import INNOVATOR_ANSWERS, answer_all
from tests.conftest import make_national_round, make_self_test_round, shipped_question_set
from tests.shared_data import kept_for_the_module

PERSONAS = ("anonymous", "respondent", "other_respondent", "staff_same", "staff_other", "analyst", "admin")


def row(anonymous, respondent, other_respondent, staff_same, staff_other, analyst, admin):
    return dict(zip(PERSONAS, (anonymous, respondent, other_respondent, staff_same, staff_other, analyst, admin),
                    strict=True))  # fmt: skip


LOGIN = 302
EVERYONE = row(200, 200, 200, 200, 200, 200, 200)
REDIRECT = row(302, 302, 302, 302, 302, 302, 302)
AGGREGATES = row(LOGIN, LOGIN, LOGIN, 200, 200, 200, 200)
RAW_DATA = row(LOGIN, LOGIN, LOGIN, 403, 403, 200, 200)
LOGGED_IN = row(LOGIN, LOGIN, LOGIN, 200, 200, 200, 200)
FIELDWORK = row(LOGIN, LOGIN, LOGIN, 403, 403, 200, 200)

# For URLs with a respondent token: "anonymous" holds a made-up token, "respondent" its own
# submitted response's token, "other_respondent" its own response still in progress, and
# staff hold the respondent's token (a link works for whoever has it).
EXPECTED = {
    "surveys:home": EVERYONE,
    "surveys:self_test": EVERYONE,
    "surveys:accessibility": EVERYONE,
    "surveys:welcome": row(404, 302, 200, 302, 302, 302, 302),
    "surveys:section": row(404, 302, 200, 302, 302, 302, 302),
    "surveys:saved": row(404, 302, 200, 302, 302, 302, 302),
    "surveys:review": row(404, 302, 200, 302, 302, 302, 302),
    "barometer:report": row(404, 200, 302, 200, 200, 200, 200),
    "barometer:report_chart": row(404, 200, 404, 200, 200, 200, 200),
    "barometer:report_pdf": row(404, 200, 404, 200, 200, 200, 200),
    # The respondent's workplace report by id: its own municipality's staff and admins only.
    # The signed-out are sent to log in (whatever the id: that tells nothing); the signed-in
    # who may not read it get 404, so that a guessed id tells nothing either.
    "barometer:staff_report": row(LOGIN, LOGIN, LOGIN, 200, 404, 404, 200),
    "barometer:staff_report_pdf": row(LOGIN, LOGIN, LOGIN, 200, 404, 404, 200),
    "barometer:staff_reports": row(LOGIN, LOGIN, LOGIN, 200, 200, 403, 200),
    "barometer:method": EVERYONE,
    "barometer:aggregate": AGGREGATES,
    "barometer:aggregate_chart": AGGREGATES,
    "barometer:aggregate_export": AGGREGATES,
    "barometer:findings": AGGREGATES,
    "barometer:rounds": FIELDWORK,
    "barometer:dashboard": FIELDWORK,
    "barometer:dashboard_chart": FIELDWORK,
    "barometer:non_respondents": row(LOGIN, LOGIN, LOGIN, 403, 403, 403, 200),
    "barometer:non_respondents_xlsx": row(LOGIN, LOGIN, LOGIN, 403, 403, 403, 200),
    "barometer:data": RAW_DATA,
    "barometer:raw_csv": RAW_DATA,
    "barometer:raw_xlsx": RAW_DATA,
    "barometer:codebook_csv": RAW_DATA,
    "barometer:codebook_xlsx": RAW_DATA,
    "set_language": REDIRECT,
    "login": EVERYONE,
    # Opening the address asks (a page with the button) or, with nobody signed in, goes to
    # the front page; logging out itself takes a POST.
    "logout": row(302, 302, 302, 200, 200, 200, 200),
    "password_change": LOGGED_IN,
    "password_change_done": LOGGED_IN,
    "password_reset": EVERYONE,
    "password_reset_done": EVERYONE,
    "password_reset_confirm": EVERYONE,  # an invalid link gets a page that says so
    "password_reset_complete": EVERYONE,
}
# The Django admin: only admins; everyone else is sent to its login page.
ADMIN = row(302, 302, 302, 302, 302, 302, 200)


def url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def build_world(question_set, django_user_model):
    """A background round of 60 workplaces, a submitted and a started response in the national
    round, and one user of every kind (in ``users``, by persona)."""
    national_round = make_national_round(question_set)
    make_self_test_round(question_set)
    generate_round(question_set=question_set, slug="bakgrunn", name="Bakgrunn", workplaces=60)
    municipality = Municipality.objects.get(number="9901")
    other = Municipality.objects.get(number="9902")
    from surveys.models import Workplace, WorkplaceType

    workplace = Workplace.objects.create(name="Skolen", workplace_type=WorkplaceType.PRIMARY_SCHOOL,
                                         municipality=municipality, employees=30)  # fmt: skip
    mine = Invitation.objects.create(round=national_round, workplace=workplace)
    answer_all(Client(), mine.token, question_set, INNOVATOR_ANSWERS)
    Client().post(f"/s/{mine.token}/oppsummering/")
    neighbour = Workplace.objects.create(name="Barnehagen", workplace_type=WorkplaceType.KINDERGARTEN,
                                         municipality=other, employees=12)  # fmt: skip
    theirs = Invitation.objects.create(round=national_round, workplace=neighbour)
    Client().get(f"/s/{theirs.token}/")  # started, not submitted
    # Reports and charts read a published snapshot. Stored directly: publishing closes a
    # round, and the survey pages of this open round are tried too.
    from barometer.models import PublishedSnapshot
    from barometer.publishing import build_snapshot

    figures = build_snapshot(national_round)[0]
    PublishedSnapshot.objects.create(round=national_round, edition=1, figures=figures, audit={})

    def staff(name, group, place=None):
        user = django_user_model.objects.create_user(name, password="correct-horse-battery")
        if group:
            user.groups.add(Group.objects.get(name=group))
        if place:
            StaffMembership.objects.create(user=user, municipality=place)
        return user

    users = {
        "staff_same": staff("kommune-a", "Kommuneansatte", municipality),
        "staff_other": staff("kommune-b", "Kommuneansatte", other),
        "analyst": staff("analytiker", "Analytikere"),
        "admin": django_user_model.objects.create_superuser("admin", "admin@example.invalid", "x"),
    }
    return {
        "mine": mine,
        "theirs": theirs,
        "response": Response.objects.get(invitation=mine),
        "round": national_round,
        "users": users,
    }


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    """Built once for the module: the tests only read it (what a request stores is rolled back)."""
    with kept_for_the_module(
        django_db_blocker, lambda: build_world(shipped_question_set(django_db_setup), get_user_model())
    ) as world:
        yield world


@pytest.fixture
def world(db, _world):
    return _world


def concrete_url(name, pattern, world, persona):
    from django.urls import reverse

    token = {"anonymous": "made-up-token-0123456789", "other_respondent": world["theirs"].token}.get(
        persona, world["mine"].token
    )
    arguments = {
        "token": token,
        "code": "profile",
        "name": "shares",
        "file_format": "csv",
        "response_id": world["response"].pk,
        "uidb64": "MQ",
        "object_id": "1",
        "app_label": "surveys",
        "slug": world["round"].slug,
    }
    needed = {key: arguments.get(key, "set-it") for key in pattern.pattern.converters}
    if "token" in pattern.pattern.regex.groupindex:
        needed["token"] = token
    for key in pattern.pattern.regex.groupindex:
        needed.setdefault(key, arguments.get(key, "x"))
    url = reverse(name, kwargs=needed)
    if name.startswith("barometer:") and name.split(":")[1] in {"raw_csv", "raw_xlsx", "codebook_csv", "codebook_xlsx"}:
        url += f"?round={world['round'].slug}"
    return url


def client_for(persona, world):
    client = Client()
    user = world["users"].get(persona)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_each_visitor_as_specified(world, persona):
    client = client_for(persona, world)
    missing, wrong = [], []
    for name, pattern in url_names():
        if name.startswith("admin:"):
            continue
        if name not in EXPECTED:
            missing.append(name)
            continue
        url = concrete_url(name, pattern, world, persona)
        status = client.get(url).status_code
        if status != EXPECTED[name][persona]:
            wrong.append(f"{name} {url}: {status}, expected {EXPECTED[name][persona]}")
    assert not missing, f"URLs without an entry in EXPECTED: {missing}"
    assert not wrong, wrong


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_admin_is_for_admins_only(world, persona):
    client = client_for(persona, world)
    changelists = [name for name, _pattern in url_names() if name.startswith("admin:") and name.endswith("_changelist")]
    assert changelists
    from django.urls import reverse

    for name in ["admin:index", *changelists]:
        status = client.get(reverse(name)).status_code
        assert status == ADMIN[persona], (name, status)


#: Addresses that answer the signed-out with 302 but are no staff pages: the language
#: switch, and logging out with nobody signed in (to the front page).
NOT_FOR_LOGIN = {"set_language", "logout"}


def staff_addresses(world):
    """Every address of ours that only a signed-in user may open, with an address of it."""
    for name, pattern in url_names():
        if name.startswith("admin:") or name in NOT_FOR_LOGIN:
            continue
        if EXPECTED[name]["anonymous"] == LOGIN and EXPECTED[name]["admin"] == 200:
            yield name, concrete_url(name, pattern, world, "admin")


def test_a_signed_out_visitor_of_a_staff_address_is_sent_to_log_in_with_next(world):
    """A bookmarked or e-mailed staff link leads to the login page, which leads back to it."""
    from urllib.parse import quote

    addresses = dict(staff_addresses(world))
    assert {"barometer:staff_report", "barometer:staff_report_pdf", "barometer:aggregate"} <= set(addresses)
    wrong = []
    for name, url in addresses.items():
        answer = Client().get(url)
        expected = f"/konto/login/?next={quote(url, safe='/')}"
        if answer.status_code != 302 or answer["Location"] != expected:
            wrong.append(f"{name} {url}: {answer.status_code} {answer.get('Location')}")
    assert not wrong, wrong


@pytest.mark.parametrize("name", ["barometer:staff_report", "barometer:staff_report_pdf"])
def test_a_staff_report_link_opens_after_logging_in(world, name):
    from django.urls import reverse

    url = reverse(name, args=[world["response"].pk])
    client = Client()
    login = client.get(url)["Location"]
    assert login.startswith("/konto/login/?next=")
    assert client.get(login).status_code == 200
    arrived = client.post(login, {"username": "kommune-a", "password": "correct-horse-battery"}, follow=True)
    assert arrived.redirect_chain[-1][0] == url and arrived.status_code == 200


def test_a_staff_report_address_tells_the_signed_out_nothing_about_the_id(world):
    """Every id, one that exists or not, gets the same answer: to the login page."""
    from django.urls import reverse

    real = reverse("barometer:staff_report", args=[world["response"].pk])
    made_up = reverse("barometer:staff_report", args=[world["response"].pk + 10_000])
    answers = [Client().get(url) for url in (real, made_up)]
    assert [a.status_code for a in answers] == [302, 302]
    assert [a["Location"].split("?next=")[0] for a in answers] == ["/konto/login/"] * 2
    # Signed in, one who may not read it: 404 for both, as before.
    other = client_for("staff_other", world)
    assert [other.get(url).status_code for url in (real, made_up)] == [404, 404]


def test_the_login_page_says_why_a_visitor_was_sent_there(world):
    """A signed-out visitor sent from a staff report to the login page was not told why. The
    reason is said in words, above the form, only when there is a local address to go back
    to; not without one, nor for an address on another site (which the login never uses)."""
    from django.conf import settings
    from django.urls import reverse

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login = client.get(reverse("barometer:staff_report", args=[world["response"].pk]))["Location"]
    html = client.get(login).content.decode()
    assert "<p>Log in to see this page.</p>" in html
    assert html.index("Log in to see this page.") < html.index('name="username"')
    for plain in ("/konto/login/", "/konto/login/?next=https://example.com/", "/konto/login/?next="):
        assert "Log in to see this page." not in client.get(plain).content.decode(), plain
