"""The admin in bokmål and nynorsk: Django's own strings come from Django's catalogues and
the project's from ours, so an admin who works in Norwegian meets no English (issue 15)."""

import re

import pytest

# Django's own admin strings, as Django's nb and nn catalogues translate them.
DJANGO_STRINGS = {
    "nb": ["Lagre", "Lagre og legg til ny", "Søk", "Logg ut"],
    "nn": ["Lagre", "Lagre og legg til ny", "Søk", "Logg ut"],
}
ENGLISH = ["Save and add another", "Save and continue editing", "Log out", "Search", "Add ", "Change password"]
PAGES = ["/admin/", "/admin/surveys/round/", "/admin/surveys/round/add/", "/admin/barometer/indicator/"]


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    # The language switcher names English in English, marked with its own lang.
    html = re.sub(r'<[^>]*\blang="en"[^>]*>[^<]*<', "<", html)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_admin_speaks_norwegian(admin_client, settings, language, barometer_data):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    seen = ""
    for path in PAGES:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert f'lang="{language}"' in page, path
        seen += visible_text(page)
    for text in DJANGO_STRINGS[language]:
        assert text in seen, f"Django's {language} catalogue is not used: {text!r} missing"
    assert not [text for text in ENGLISH if text in seen], [text for text in ENGLISH if text in seen]
