"""A share says what it counts. The reports said "80 % answered yes" (nb «svarte 80 % ja»)
for every share, though most are no yes/no question: who initiated the newest innovation,
what kind of value it created, whether a factor was rated 5 or 6 on a scale of 1 to 6. Each
shipped share indicator now has the words that complete "80 % of <group> …" in bokmål,
nynorsk and English (``share_clause``), and no page, chart or PDF a respondent or an analyst
reads says "answered yes" of a share."""

from __future__ import annotations

import io
import json
import re
from importlib import import_module

import pytest
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from barometer.models import Indicator
from barometer.reference_data import DATA_DIR
from barometer.reports.summary import share_statement
from barometer.reports.workplace import build_workplace_report

LANGUAGES = ("nb", "nn", "en")

#: The words a share was described with before, in every language: none may come back.
ANSWERED_YES = re.compile(r"answer(ed|ing) yes|\bsvar(te|a)\b[^.]{0,20}\bja\b|ja = 100|yes = 100|ja/nei")


def _shipped():
    return json.loads((DATA_DIR / "indicators.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("definition", [d for d in _shipped() if d["rule"] == "share"], ids=lambda d: d["key"])
def test_every_shipped_share_says_what_it_counts_in_every_language(definition):
    clause = definition["share_clause"]
    assert set(clause) == set(LANGUAGES)
    for language, words in clause.items():
        # It completes "80 % av barnehager på landsbasis …": lower case, no full stop, and
        # not the old yes/no wording.
        assert words and words == words.strip() and words[0].islower() and not words.endswith("."), (language, words)
        assert not ANSWERED_YES.search(words), words
    # A share of innovators is about each workplace's own newest innovation, said so: "den
    # nyeste innovasjonen" just after the reader's own sentence read as the reader's.
    if definition["population"] == "innovators":
        assert "sin nyeste innovasjon" in clause["nb"] or "egen nyeste innovasjon" in clause["nb"], clause["nb"]
        assert "innovasjonen sin" in clause["nn"] or "eigen nyaste innovasjon" in clause["nn"], clause["nn"]
        assert "their newest innovation" in clause["en"], clause["en"]
        assert "den nyeste innovasjonen" not in clause["nb"]
    assert clause["nb"] != clause["nn"] or "på gang" in clause["nb"]


def test_a_share_statement_reads_as_a_sentence_in_every_language(barometer_data):
    innovated = Indicator.objects.get(key="innovated")
    factor = Indicator.objects.get(key="factor-mistakes-promoted")
    expected = {
        "nb": (
            "80\xa0% av barnehager på landsbasis har tatt i bruk minst én innovasjon de siste to årene",
            "51\xa0% av barnehager på landsbasis oppgir at måten de håndterer feil på, fremmet arbeidet med egen "
            "nyeste innovasjon (5 eller 6 på skalaen fra 1 til 6)",
        ),
        "nn": (
            "80\xa0% av barnehagar på landsbasis har teke i bruk minst éin innovasjon dei siste to åra",
            "51\xa0% av barnehagar på landsbasis oppgir at måten dei handterer feil på, fremja arbeidet med eigen "
            "nyaste innovasjon (5 eller 6 på skalaen frå 1 til 6)",
        ),
        "en": (
            "80% of kindergartens nationally have introduced at least one innovation in the last two years",
            "51% of kindergartens nationally say that the way they handle mistakes promoted the work on their newest "
            "innovation (5 or 6 on the scale from 1 to 6)",
        ),
    }
    groups = {"nb": "barnehager på landsbasis", "nn": "barnehagar på landsbasis", "en": "kindergartens nationally"}
    for language in LANGUAGES:
        with translation.override(language):
            percent = "%" if language == "en" else "\xa0%"
            assert share_statement(innovated, f"80{percent}", groups[language]) == expected[language][0]
            assert share_statement(factor, f"51{percent}", groups[language]) == expected[language][1]


def test_an_indicator_without_the_words_in_the_language_is_named_not_said_to_be_answered_yes(barometer_data):
    leaders = Indicator.objects.get(key="leaders-initiated")
    Indicator.objects.filter(pk=leaders.pk).update(share_clause_nb="", share_clause_nn="", share_clause_en="")
    leaders.refresh_from_db()
    with translation.override("nb"):
        assert (
            share_statement(leaders, "30\xa0%", "barnehager")
            == "For 30\xa0% av barnehager stemmer «Ledere satte i gang»"
        )
    # Words in bokmål only: a nynorsk or English sentence names the indicator rather than
    # carry bokmål words inside it.
    Indicator.objects.filter(pk=leaders.pk).update(share_clause_nb="oppgir at ledere satte i gang")
    leaders.refresh_from_db()
    with translation.override("nb"):
        assert (
            share_statement(leaders, "30\xa0%", "barnehager") == "30\xa0% av barnehager oppgir at ledere satte i gang"
        )
    with translation.override("en"):
        english = share_statement(leaders, "30%", "kindergartens")
        assert english == "For 30% of kindergartens, “Managers initiated” holds"


def test_a_published_figure_is_compared_in_its_own_words_not_the_indicator_s(barometer_data):
    """2018 published collaboration *on innovation* with other workplaces in the own
    municipality, not on the newest innovation: the summary said the round's words of it
    ("Over halvparten samarbeidet ... om sin nyeste innovasjon, ifølge ... 2018"), which
    2018 did not measure. It quotes the published statement beside its published words."""
    from barometer.engine.indicators import OwnValue
    from barometer.reports.summary import build_summary, comparison_groups

    own_municipality = Indicator.objects.get(key="collaboration-own-municipality")
    with translation.override("nb"):
        groups = comparison_groups(workplace_type="kindergarten", centrality=3)
        summary = build_summary(None, [(own_municipality, OwnValue(True, 0.0))], groups, workplace_type="kindergarten")
    (item,) = summary.less
    assert (
        " I det nasjonale barometeret fra 2018 var tallet for «Samarbeider om innovasjon med andre virksomheter i "
        "egen (fylkes)kommune» over halvparten (grunnlag: virksomheter med en innovasjon"
    ) in item.sentence, item.sentence
    assert own_municipality.share_clause_nb not in item.sentence


def test_an_existing_database_gets_the_words_where_the_indicator_counts_as_shipped(barometer_data):
    from django.apps import apps

    first = import_module("barometer.migrations.0022_indicators_say_what_a_share_counts")
    second = import_module("barometer.migrations.0023_share_words_say_whose_innovation_and_the_whole_option")
    third = import_module(ENGLISH_TEXTS_MIGRATION)
    shipped = {d["key"]: d for d in _shipped()}
    assert set(first.CLAUSES) == {key for key, d in shipped.items() if d["rule"] == "share"}
    for key, (questions, options, words) in first.CLAUSES.items():
        assert (questions, options) == (shipped[key]["question_codes"], shipped[key]["option_codes"])
        # 0022's words, as 0023 and 0024 change them, are the shipped ones.
        for language, text in words.items():
            for later in (second, third):
                change = later.CHANGES.get(key, {}).get(f"share_clause_{language}")
                if change is not None:
                    assert change[0] == text
                    text = change[1]
            assert text == shipped[key]["share_clause"][language], (key, language)
    # As a database migrated before this change has them: no words at all.
    Indicator.objects.update(share_clause_nb="", share_clause_nn="", share_clause_en="")
    # An admin's own words are kept; a share an admin redefined gets none (they would be wrong).
    Indicator.objects.filter(key="spread").update(share_clause_nb="egne ord")
    Indicator.objects.filter(key="evaluated").update(option_codes=["external"])
    first.forwards(apps, None)
    second.forwards(apps, None)
    by_key = {indicator.key: indicator for indicator in Indicator.objects.all()}
    assert by_key["innovated"].share_clause_en == shipped["innovated"]["share_clause"]["en"]
    assert by_key["value-quality"].share_clause_nb == shipped["value-quality"]["share_clause"]["nb"]
    assert by_key["factor-economy-hindered"].share_clause_nn == shipped["factor-economy-hindered"]["share_clause"]["nn"]
    assert (by_key["spread"].share_clause_nb, by_key["spread"].share_clause_en) == ("egne ord", "")
    assert by_key["evaluated"].share_clause_nb == ""
    assert by_key["culture-index"].share_clause_nb == ""
    second.backwards(apps, None)
    assert Indicator.objects.get(key="value-quality").share_clause_nb == first.CLAUSES["value-quality"][2]["nb"]


ENGLISH_TEXTS_MIGRATION = "barometer.migrations.0024_english_texts_say_managers_and_someone_else_s_solution"


def test_the_english_texts_say_managers_and_someone_else_s_solution_as_the_questionnaire_does(barometer_data):
    """ "Leaders initiated" stood above "managers were among those who ..."; the option is
    "Managers". "others' solution" is neither the option's "someone else's solution" nor
    English. Shipped data and an existing database (migration 0024) both say it as the
    questionnaire does; an admin's own words are kept."""
    from django.apps import apps

    from barometer.models import ReferenceFigure

    migration = import_module(ENGLISH_TEXTS_MIGRATION)
    shipped = {d["key"]: d for d in _shipped()}
    figures = {f["key"]: f for f in json.loads((DATA_DIR / "reference_figures.json").read_text(encoding="utf-8"))}
    for key, fields in migration.CHANGES.items():
        for field, (_before, after) in fields.items():
            assert shipped[key][field.removesuffix("_en")]["en"] == after, (key, field)
    for key, fields in migration.REFERENCE_CHANGES.items():
        for field, (_before, after) in fields.items():
            assert figures[key][field.removesuffix("_en")]["en"] == after, (key, field)
    every_text = json.dumps([*shipped.values(), *figures.values()], ensure_ascii=False)
    assert "others' solution\"" not in every_text and "others' solution." not in every_text
    assert "Leaders" not in every_text and "leaders were" not in every_text
    # A database with the words shipped before, and an admin's own words in one place.
    for key, fields in migration.CHANGES.items():
        Indicator.objects.filter(key=key).update(**{field: before for field, (before, _after) in fields.items()})
    ReferenceFigure.objects.filter(key="no2018-novelty-copy").update(
        statement_en=migration.REFERENCE_CHANGES["no2018-novelty-copy"]["statement_en"][0]
    )
    Indicator.objects.filter(key="novelty-adapted").update(own_no_en="Our own words.")
    migration.forwards(apps, None)
    leaders, copy = Indicator.objects.get(key="leaders-initiated"), Indicator.objects.get(key="novelty-copy")
    assert leaders.name_en == "Managers initiated" and "managers were among" in leaders.own_yes_en
    assert copy.share_clause_en.endswith("copy of someone else's solution")
    assert Indicator.objects.get(key="novelty-adapted").own_no_en == "Our own words."
    assert ReferenceFigure.objects.get(key="no2018-novelty-copy").statement_en.endswith("someone else's solution")
    migration.backwards(apps, None)
    assert Indicator.objects.get(key="leaders-initiated").name_en == "Leaders initiated"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_report_chart_or_pdf_says_a_share_was_answered_yes(published_reports, admin_client, language):
    """The respondent's report, its charts and PDF, the staff view of it and the statistics
    page with its chart: what every share counts, in its own words."""
    response = published_reports["workplace"]
    respondent = Client()
    for client in (respondent, admin_client):
        client.cookies["barometer_language"] = language
    token = response.link_token
    pages = {
        "report": respondent.get(f"/s/{token}/rapport/").content.decode(),
        "staff report": admin_client.get(f"/rapporter/{response.pk}/").content.decode(),
        "chart": respondent.get(f"/s/{token}/rapport/figur/shares.svg").content.decode(),
        "statistics": admin_client.get(f"/statistikk/?round={response.round_id}").content.decode(),
        "statistics chart": admin_client.get(f"/statistikk/figur.svg?round={response.round_id}").content.decode(),
    }
    pdf = respondent.get(f"/s/{token}/rapport/rapport.pdf")
    assert pdf.status_code == 200 and all(text.startswith("<") for text in pages.values())
    pages["pdf"] = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for name, text in pages.items():
        text = re.sub(r"\s+", " ", text)
        assert not ANSWERED_YES.search(text), (name, ANSWERED_YES.search(text).group(0))
    # Every row of the report says what its national share counts, in this language.
    with translation.override(language):
        report = build_workplace_report(response)
    rows = [row for row in report.rows if row.indicator.is_share and row.national.shown]
    assert rows
    for row in rows:
        clause = getattr(row.indicator, f"share_clause_{language}")
        assert f" {clause} (" in row.sentence, row.sentence


def test_the_english_texts_say_municipality_or_county_authority(barometer_data):
    """The English "your own (county) municipality" is a calque of "egen (fylkes)kommune"; English names
    the two kinds of local government "municipality or county authority"."""
    from django.apps import apps

    from barometer.models import ReferenceFigure

    migration = import_module("barometer.migrations.0026_english_says_municipality_or_county_authority")
    shipped = {d["key"]: d for d in _shipped()}
    figures = {f["key"]: f for f in json.loads((DATA_DIR / "reference_figures.json").read_text(encoding="utf-8"))}
    every_text = json.dumps([*shipped.values(), *figures.values()], ensure_ascii=False)
    assert "(county) municipal" not in every_text
    models = {"Indicator": Indicator, "ReferenceFigure": ReferenceFigure}
    for model_name, key, field, before in migration.SHIPPED:
        source = shipped if model_name == "Indicator" else figures
        name = {"own_yes_en": "own_yes", "own_no_en": "own_no", "statement_en": "statement"}[field]
        assert source[key][name]["en"] == migration._now(before), (key, field)
        models[model_name].objects.filter(key=key).update(**{field: before})
    # An admin's own words are left alone.
    Indicator.objects.filter(key="collaboration-own-municipality").update(own_no_en="Our own words.")
    migration.forwards(apps, None)
    own = Indicator.objects.get(key="collaboration-own-municipality")
    assert own.own_yes_en.endswith("in your own municipality or county authority.")
    assert own.own_no_en == "Our own words."
    figure = ReferenceFigure.objects.get(key="no2018-collaboration-own-municipality")
    assert figure.statement_en.endswith("their own municipality or county authority")
    migration.backwards(apps, None)
    assert Indicator.objects.get(key="collaboration-own-municipality").own_yes_en.endswith("(county) municipality.")
