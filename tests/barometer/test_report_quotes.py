"""A report's advice quotes a published figure only to a workplace the figure is about: KS
2018 asked education and health and care only (``EDITION_COVERAGE``), so a self-test of
an "other" workplace was told "in 88 % of the workplaces with an innovation, employees
initiated or implemented it" a few lines above "there is no Norwegian figure from 2018 here"
(a reviewer found it in nynorsk). The tables already leave such a figure out; the summary and
the advice now do too, and keep the advice itself."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from barometer.reports.workplace import build_workplace_report
from surveys.models import Municipality, WorkplaceType
from tests.builders import ResponseBuilder, innovator

KEY = "employees-initiated-or-implemented"
ADVICE = {
    "nn": "Etterspør nye løysingar frå dei tilsette, og gi rom for å prøve dei ut.",
    "en": "Ask employees for new solutions and give them room to try them out.",
}
QUOTE = {"nn": "88\xa0%", "en": "88%"}
#: The advice's sentence that quotes KS 2018 (``barometer/data/indicators.json``); a bare
#: "88" could be any figure or number on the page.
QUOTING = {"nn": "i heile 88 % av verksemdene", "en": "in 88% of the workplaces"}


def _self_test(published_reports, self_test_round, workplace_type, token):
    response = ResponseBuilder(self_test_round).submitted(
        workplace_type=workplace_type,
        municipality=Municipality.objects.get(number="9903"),
        answers=innovator(),  # leaders, not employees, initiated and implemented it
    )
    response.workplace, response.token = None, token
    response.save()
    return response


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


@pytest.mark.parametrize("language", ["nn", "en"])
def test_an_other_workplace_is_not_told_the_2018_figure(published_reports, self_test_round, language):
    response = _self_test(published_reports, self_test_round, WorkplaceType.OTHER, "selvtest-annen-abcdefghij")
    with translation.override(language):
        report = build_workplace_report(response)
        row = next(r for r in report.rows if r.indicator.key == KEY)
        assert row.suggestion == ADVICE[language]  # the advice stands, without the number
        assert not [f for f in row.norway if f.key.startswith("no2018-")]  # as the table: none for this type
        items = [item for item in report.summary.less if item.indicator.key == KEY]
        assert items and all(item.suggestion == ADVICE[language] for item in items)
    client = Client()
    client.cookies["barometer_language"] = language
    html = client.get("/s/selvtest-annen-abcdefghij/rapport/").content.decode()
    assert _flat(ADVICE[language]) in _flat(html)
    assert QUOTING[language] not in _flat(html)
    pdf = client.get("/s/selvtest-annen-abcdefghij/rapport/rapport.pdf")
    text = _flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages))
    assert _flat(ADVICE[language]) in text and QUOTING[language] not in text


@pytest.mark.parametrize("language", ["nn", "en"])
def test_a_kindergarten_is_still_told_it(published_reports, self_test_round, language):
    response = _self_test(published_reports, self_test_round, WorkplaceType.KINDERGARTEN, "selvtest-barnehage-abcdefg")
    with translation.override(language):
        report = build_workplace_report(response)
        row = next(r for r in report.rows if r.indicator.key == KEY)
        assert row.suggestion == str(row.indicator.suggestion)
        assert QUOTE[language].replace("\xa0", " ") in row.suggestion.replace("\xa0", " ")
        items = [item for item in report.summary.less if item.indicator.key == KEY]
        assert items and all(item.suggestion == row.suggestion for item in items)
