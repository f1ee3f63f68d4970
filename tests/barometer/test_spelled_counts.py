"""Advice that quotes a KS 2018 figure with its count spelled out ("Seks av ti har eksternt
samarbeid", "Over seven in ten report ...") is a quoted figure as much as "88 %" is: a
workplace of a type KS did not survey in 2018 ("Annen virksomhet") is not told it. The
detector read counts in digits only ("6 av 10"), so those sentences reached "other"
workplaces in every language."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from barometer.models import Indicator
from barometer.reports import scope
from barometer.reports.scope import suggestion_for
from barometer.reports.workplace import build_workplace_report
from surveys.models import Municipality, WorkplaceType
from tests.builders import ResponseBuilder, innovator

LANGUAGES = ["nb", "nn", "en"]
#: A count out of ten spelled out, as the advice writes it, in any of the three languages.
SPELLED = re.compile(
    r"\b(en|ett|ein|eitt|one|to|two|tre|three|fire|four|fem|five|seks|six|sju|syv|seven|åtte|eight|ni|nine)"
    r"\s+(av|in|of)\s+(ti|ten)\b",
    re.IGNORECASE,
)
#: The two pieces of advice that quote a 2018 figure in words, and what is left of each.
KEPT = {
    "external-collaboration": {
        "nb": "Ofte er det ikke mulig å finne nye løsninger",
        "nn": "Ofte er det ikkje mogleg å finne nye løysingar",
        "en": "New solutions to complex problems often need",
    },
    "value-quality": {
        "nb": "Samarbeid med offentlige virksomheter utenfor egen kommune",
        "nn": "Samarbeid med offentlege verksemder utanfor eigen kommune",
        "en": "Collaboration with public workplaces outside their own municipality",
    },
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Seks av ti har", "6 av 10 har"),
        ("seks av ti", "6 av 10"),
        ("Over sju av ti", "over 7 av 10"),
        ("over syv av ti", "over 7 av 10"),
        ("Åtte av ti", "8 av 10"),
        ("om lag fire av ti", "om lag 4 av 10"),
        ("nesten tre av ti", "nesten 3 av 10"),
        ("Éin av fire", "1 av 4"),
        ("En av fire", "1 av 4"),
        ("Six in ten", "6 in 10"),
        ("over seven in ten", "over 7 in 10"),
        ("about four of ten", "about 4 of 10"),
        ("One in four", "1 in 4"),
        ("6 av 10", "6 av 10"),
        ("to av ti", "2 av 10"),
        # "to" and "ten" are counts only in "x av/in/of y".
        ("go to the ten best", "go to the ten best"),
        ("nøkkelrolle i innovasjon", "nøkkelrolle i innovasjon"),
    ],
)
def test_counts_in_words_read_as_digits(text, expected):
    assert scope._as_digits(text) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_advice_to_an_other_workplace_quotes_a_2018_count_in_words(language):
    with translation.override(language):
        for indicator in Indicator.objects.prefetch_related("reference_figures"):
            advice = suggestion_for(indicator, WorkplaceType.OTHER)
            assert not SPELLED.search(advice), (indicator.key, advice)
        for key, kept in KEPT.items():
            indicator = Indicator.objects.get(key=key)
            assert SPELLED.search(str(indicator.suggestion))  # the advice does quote it in words
            assert suggestion_for(indicator, WorkplaceType.OTHER).startswith(kept[language])
            # A type KS surveyed in 2018 is still told the figure.
            assert suggestion_for(indicator, WorkplaceType.KINDERGARTEN) == str(indicator.suggestion)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_other_workplaces_report_leaves_the_count_in_words_out(published_reports, self_test_round, language):
    response = ResponseBuilder(self_test_round).submitted(
        workplace_type=WorkplaceType.OTHER,
        municipality=Municipality.objects.get(number="9903"),
        answers=innovator(value_created=["efficiency"]),
    )
    response.workplace, response.token = None, "selvtest-annen-ordtall"
    response.save()
    with translation.override(language):
        report = build_workplace_report(response)
        rows = {row.indicator.key: row for row in report.rows}
        for key, kept in KEPT.items():
            if rows[key].suggestion:
                assert rows[key].suggestion.startswith(kept[language])
        # Below the nation on better quality (all the round's innovators answered it): the
        # advice "Over seven in ten report ..." is shown, without its 2018 count.
        assert rows["value-quality"].suggestion.startswith(KEPT["value-quality"][language])
        for item in [*report.summary.less, *getattr(report.summary, "more", [])]:
            assert not SPELLED.search(item.suggestion or "")
    client = Client()
    client.cookies["barometer_language"] = language
    html = client.get("/s/selvtest-annen-ordtall/rapport/").content.decode()
    assert not SPELLED.search(html.replace("\xa0", " "))
