"""The admin in bokmål and nynorsk: Django's own strings come from Django's catalogues and
the project's from ours, so an admin who works in Norwegian meets no English (issue 15)."""

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group

# Django's own admin strings, as Django's nb and nn catalogues translate them.
DJANGO_STRINGS = {
    "nb": ["Lagre", "Lagre og legg til ny", "Søk", "Logg ut"],
    "nn": ["Lagre", "Lagre og opprett ny", "Søk", "Logg ut"],
}
ENGLISH = [
    "Save and add another",
    "Save and continue editing",
    "Log out",
    "Search",
    "Add ",
    "Change password",
    # Django 5.2 admin and auth strings that Django's nb and nn catalogues lack.
    "Toggle theme",
    "Model name",
    "Add link",
    "Change or view list link",
    "Show counts",
    "Raw passwords are not stored",
    # django-axes, which ships no Norwegian: its app, models and fields.
    "Axes",
    "Access attempt",
    "access attempt",
    "Access failure",
    "access failure",
    "Access log",
    "access log",
    "Attempt Time",
    "Logout Time",
    "IP Address",
    "User Agent",
    "Username",
    "Path",
    "Failed Logins",
    "Form Data",
    "Meta Data",
    "GET Data",
    "POST Data",
    "Locked Out",
    "Attempt Remaining",
    "Clean up expired attempts",
    "Can add ",
    "Can change ",
    "Can delete ",
    "Can view ",
    "Can read ",
]
# The admin index, our changelists and add/change/delete pages, axes's changelists and
# change page, the user changelist, a user's and a group's change page (their permission
# lists) and the password change page.
PAGES = [
    "/admin/",
    "/admin/surveys/round/",
    "/admin/surveys/round/add/",
    "/admin/surveys/municipality/",
    "/admin/surveys/workplace/{workplace}/change/",
    "/admin/surveys/workplace/{workplace}/delete/",
    "/admin/barometer/indicator/",
    "/admin/axes/accessattempt/",
    "/admin/axes/accessattempt/{attempt}/change/",
    "/admin/axes/accesslog/",
    "/admin/axes/accessfailurelog/",
    "/admin/auth/user/",
    "/admin/auth/user/{user}/change/",
    "/admin/auth/group/{group}/change/",
    "/admin/password_change/",
]


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    # The language switcher names English in English, marked with its own lang.
    html = re.sub(r'<[^>]*\blang="en"[^>]*>[^<]*<', "<", html)
    # Buttons show their value, and screen readers read labels and placeholders.
    html = re.sub(r'<input\b[^>]*\btype="(?:submit|button)"[^>]*\bvalue="([^"]*)"[^>]*>', r" \1 ", html)
    html = re.sub(r'<[^>]*\b(?:aria-label|placeholder)="([^"]*)"[^>]*>', r" \1 ", html)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_admin_speaks_norwegian(admin_client, admin_user, settings, language, barometer_data, workplace):
    request = {"user_agent": "test", "ip_address": "192.0.2.1", "username": "someone", "http_accept": "*/*"}
    attempt = AccessAttempt.objects.create(
        **request, path_info="/admin/login/", get_data="", post_data="", failures_since_start=2
    )
    AccessLog.objects.create(**request, path_info="/admin/login/")
    AccessFailureLog.objects.create(**request, path_info="/admin/login/")
    group = Group.objects.get_or_create(name="Analytikere")[0]
    ids = {"workplace": workplace.pk, "attempt": attempt.pk, "user": admin_user.pk, "group": group.pk}
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    seen = ""
    for path in (page.format(**ids) for page in PAGES):
        response = admin_client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert f'lang="{language}"' in page, path
        seen += visible_text(page)
    for text in DJANGO_STRINGS[language]:
        assert text in seen, f"Django's {language} catalogue is not used: {text!r} missing"
    assert not [text for text in ENGLISH if text in seen], [text for text in ENGLISH if text in seen]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nb", ["søndag", "Velg alle %s", "lør"]), ("nn", ["sundag", "Vel alle %s", "lau"])],
)
def test_the_admin_calendar_and_select_widgets_speak_norwegian(admin_client, settings, language, expected):
    """The admin's JavaScript catalogue: Django's nb/nn lack the weekday names and the
    select-many widget's texts (Django 5.2); ours fill them."""
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    # The catalogue is JavaScript with JSON strings: read their \uXXXX escapes, nothing else.
    source = admin_client.get("/admin/jsi18n/").content.decode()
    catalogue = re.sub(r"\\u([0-9a-fA-F]{4})", lambda match: chr(int(match.group(1), 16)), source)
    for text in expected:
        assert text in catalogue, text
    for english in ['"Sunday"', '"Choose all %s"']:
        assert f"{english}: {english}" not in catalogue
