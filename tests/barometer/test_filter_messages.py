"""An edited address on /statistikk/ (a round or a group that is not in the lists) said
Django's "Velg et gyldig valg. … er ikke ett av de tilgjengelige valgene." Each field now
says what to do in the reader's language, on the page and on the files' addresses."""

from __future__ import annotations

import html

import pytest

LANGUAGES = ("nb", "nn", "en")

EDITED = [
    ("round", "999999", "There is no such round. Choose a round from the list."),
    ("round", "abc", "There is no such round. Choose a round from the list."),
    ("group", "type:castle", "Choose a sector or type of workplace from the list."),
    ("size_class", "99", "Choose a municipality size from the list."),
    ("size_class", "x", "Choose a municipality size from the list."),
    ("centrality", "0", "Choose a centrality class from the list."),
    ("county", "9999", "Choose a county from the list."),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("field", "value", "message"), EDITED)
def test_an_edited_filter_says_what_to_choose(published_reports, admin_client, language, field, value, message):
    from django.utils import translation

    admin_client.cookies["barometer_language"] = language
    round_id = published_reports["workplace"].round_id
    query = f"{field}={value}" if field == "round" else f"round={round_id}&{field}={value}"
    page = admin_client.get(f"/statistikk/?{query}")
    assert page.status_code == 400
    text = html.unescape(page.content.decode())
    with translation.override(language):
        assert translation.gettext(message) in text, (field, value)
    for django_words in ("Select a valid choice", "Velg et gyldig valg", "Vel eit gyldig val"):
        assert django_words not in text
    export = admin_client.get(f"/statistikk/eksport.csv?{query}")
    assert export.status_code == 400


@pytest.mark.parametrize(
    ("language", "report", "unweighted"),
    [
        ("nb", "innovasjonsbarometeret-rapport", "-uvektet"),
        ("nn", "innovasjonsbarometeret-rapport", "-uvekta"),
        ("en", "innovasjonsbarometeret-report", "-unweighted"),
    ],
)
def test_a_download_is_named_in_the_readers_language(published_reports, admin_client, language, report, unweighted):
    """An English reader saved "innovasjonsbarometeret-rapport.pdf" and "…-uvektet.csv"."""
    from django.test import Client

    response = published_reports["workplace"]
    respondent = Client()
    for client in (respondent, admin_client):
        client.cookies["barometer_language"] = language
    own = respondent.get(f"/s/{response.link_token}/rapport/rapport.pdf")
    assert own["Content-Disposition"] == f'attachment; filename="{report}.pdf"'
    staff = admin_client.get(f"/rapporter/{response.pk}/rapport.pdf")
    assert staff["Content-Disposition"] == f'attachment; filename="{report}-{response.pk}.pdf"'
    export = admin_client.get(f"/statistikk/eksport.csv?round={response.round_id}&vekting=av")
    assert export["Content-Disposition"].endswith(f'{unweighted}.csv"'), export["Content-Disposition"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_findings_page_tells_an_edited_round_on_its_own_page(published_reports, admin_client, language):
    """/statistikk/funn/?round=99999 answered with the statistics page (its heading, its
    group filters); a group, which the findings do not use, was refused there too."""
    from django.utils import translation

    admin_client.cookies["barometer_language"] = language
    with translation.override(language):
        heading = translation.gettext("The published findings, checked against the round's data")
        message = translation.gettext("There is no such round. Choose a round from the list.")
        no_round = translation.gettext("There is no national round yet.")
    page = admin_client.get("/statistikk/funn/?round=99999")
    assert page.status_code == 400
    text = html.unescape(page.content.decode())
    assert heading in text and message in text and no_round not in text
    assert 'name="county"' not in text
    round_id = published_reports["workplace"].round_id
    grouped = admin_client.get(f"/statistikk/funn/?round={round_id}&county=9999")
    assert grouped.status_code == 200
    assert heading in html.unescape(grouped.content.decode())


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("digits", [ARABIC_INDIC, FULL_WIDTH], ids=["arabic-indic", "full-width"])
def test_a_round_written_with_other_digits_is_no_round(published_reports, admin_client, digits):
    """Python's int reads "٢" as 2: ?round=٢ showed round 2, while ?size_class=٢ was refused."""
    round_id = str(published_reports["workplace"].round_id)
    assert admin_client.get(f"/statistikk/?round={round_id}").status_code == 200
    for path in ("/statistikk/", "/statistikk/funn/", "/statistikk/eksport.csv"):
        page = admin_client.get(f"{path}?round={round_id.translate(digits)}")
        assert page.status_code == 400, path


def test_the_findings_page_with_an_edited_round_is_titled_as_an_error(published_reports, admin_client):
    """A screen reader reads the title first: the statistics page says "Feil:" there; so do the findings."""
    page = admin_client.get("/statistikk/funn/?round=99999").content.decode()
    assert "<title>Feil: Funn" in page
