"""Question-set versions: conditions a page can honour (issue 14, item 8) and start-up after
an admin's wording correction (item 9)."""

import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from surveys.models import Option, Question, QuestionSet, QuestionSetStatus
from surveys.services.questionsets import (
    PublishRefused,
    QuestionSetFileError,
    StructureChange,
    export_questionset_data,
    import_questionset,
    new_version,
    publish,
    structure_diff,
)

# The case file of issue 14 (shared/cases/same-page-condition.json), kept with the tests.
SAME_PAGE_CASE = Path(__file__).resolve().parents[1] / "cases" / "same-page-condition.json"


@pytest.fixture
def same_page_data():
    return json.loads(SAME_PAGE_CASE.read_text(encoding="utf-8"))


def test_a_condition_on_the_same_page_is_refused_naming_both_questions(empty_database, same_page_data, tmp_path):
    with translation.override("en"), pytest.raises(QuestionSetFileError) as refused:
        import_questionset(same_page_data)
    message = "\n".join(refused.value.errors)
    assert 'question "which"' in message and 'question "tried"' in message
    assert "same page" in message
    assert not QuestionSet.objects.exists()
    path = tmp_path / "same-page.json"
    path.write_text(json.dumps(same_page_data), encoding="utf-8")
    with pytest.raises(CommandError, match='question "which" depends on question "tried"'):
        call_command("import_questionset", str(path))


def test_a_condition_on_a_later_page_is_refused(db, same_page_data):
    data = json.loads(json.dumps(same_page_data))
    data["sections"][0]["questions"][1]["show_if"] = {"mode": "any", "options": ["size.small"]}
    with translation.override("en"), pytest.raises(QuestionSetFileError, match="later page"):
        import_questionset(data)


def _same_page_draft(same_page_data):
    """The case as a draft without its condition, then given it as an admin would: "which"
    shown on "tried" of the same page."""
    data = json.loads(json.dumps(same_page_data))
    data["status"] = "draft"
    data["sections"][0]["questions"][1]["show_if"] = None
    draft = import_questionset(data)
    which = Question.objects.get(question_set=draft, code="which")
    which.show_if_options.set([Option.objects.get(question__question_set=draft, question__code="tried", code="yes")])
    return draft


def test_a_same_page_condition_built_in_the_admin_cannot_be_published(db, same_page_data):
    draft = _same_page_draft(same_page_data)
    with (
        translation.override("en"),
        pytest.raises(PublishRefused, match='question "which" depends on question "tried"'),
    ):
        publish(draft)
    draft.refresh_from_db()
    assert draft.status == QuestionSetStatus.DRAFT


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "nb",
            "Del 1 (a), spørsmål 2 (which), visningsvilkår: spørsmålet «which» avhenger av spørsmålet «tried», "
            "som står på samme side; et visningsvilkår kan bare bruke svar fra tidligere deler",
        ),
        (
            "nn",
            "Del 1 (a), spørsmål 2 (which), visingsvilkår: spørsmålet «which» er avhengig av spørsmålet «tried», "
            "som står på same sida; eit visingsvilkår kan berre bruke svar frå tidlegare delar",
        ),
        (
            "en",
            'Section 1 (a), question 2 (which), display condition: question "which" depends on question '
            '"tried", which is on the same page; a display condition can only use answers from earlier sections',
        ),
    ],
)
def test_a_refused_publication_speaks_the_admins_language_and_names_places_as_the_admin_sees_them(
    db, same_page_data, language, expected
):
    """The admin said "sections[0].questions[1].show_if.options: question "which" depends on
    ..." in English to a Norwegian admin who had built the set in the admin, not in a file."""
    draft = _same_page_draft(same_page_data)
    with translation.override(language), pytest.raises(PublishRefused) as refused:
        publish(draft)
    assert refused.value.errors == [expected]


def test_start_up_keeps_an_admins_recorded_wording_correction(question_set, questionset_data):
    question = Question.objects.get(question_set=question_set, code="inc_services")
    question.text_nn = "Ein retta nynorsk tekst"
    question.save()
    question_set.title_nn = "Retta tittel"
    question_set.save()
    again = import_questionset(questionset_data)  # what setup_demo does on every `make run`
    assert again == question_set
    question.refresh_from_db()
    question_set.refresh_from_db()
    assert question.text_nn == "Ein retta nynorsk tekst"
    assert question_set.title_nn == "Retta tittel"


def test_start_up_still_refuses_other_content_under_a_stored_version(question_set, questionset_data):
    changed = json.loads(json.dumps(questionset_data))
    changed["sections"][0]["questions"][0]["text"]["nn"] = "Ein tekst ingen admin har skrive"
    with pytest.raises(QuestionSetFileError, match="already exists with other content"):
        import_questionset(changed)
    changed = json.loads(json.dumps(questionset_data))
    changed["sections"][0]["questions"][0]["required"] = not changed["sections"][0]["questions"][0].get(
        "required", True
    )
    with pytest.raises(QuestionSetFileError, match="already exists with other content"):
        import_questionset(changed)


def test_the_admin_sees_what_changed_against_the_previous_version(admin_client, question_set):
    draft = new_version(question_set)
    Option.objects.filter(question__question_set=draft, question__code="inc_services", code="yes").update(code="ja")
    page = admin_client.get(f"/admin/surveys/questionset/{draft.pk}/change/").content.decode()
    changes = re.search(r"<ul class=.structure-changes.>(.*?)</ul>", page, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", changes)
    assert items[0] == "Spørsmål inc_services: alternativkoden yes er endret til ja"
    # The sections shown on "yes" now depend on "ja": each condition change is listed once.
    assert any(item.startswith("Del in_progress: visningsvilkåret er endret") for item in items), items
    changes = structure_diff(export_questionset_data(question_set), export_questionset_data(draft))
    assert changes[0] == StructureChange("option_renamed", "inc_services", old="yes", new="ja")
    assert all(change.kind.endswith("condition_changed") and "inc_services.ja" in change.new for change in changes[1:])
    assert len({(change.kind, change.question) for change in changes}) == len(changes)


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("(file)", "Spørsmålssettet"),
        ("(file).title.nb", "Tittel, bokmål"),
        ("(file).sections", "Deler"),
        ("sections[0].questions", "Del 1 (a), spørsmål"),
        (
            "sections[0].questions[0].options[1].label.en",
            "Del 1 (a), spørsmål 1 (tried), alternativ 2 (no), tekst, engelsk",
        ),
        ("sections[0].show_if.options", "Del 1 (a), visningsvilkår"),
        ("sections[9].questions[0].code", "Del 10, spørsmål 1, kode"),
    ],
)
def test_a_place_is_named_as_the_admin_sees_it(same_page_data, place, expected):
    from surveys.services.questionsets import describe_place

    with translation.override("nb"):
        assert describe_place(place, same_page_data) == expected


def test_a_database_loaded_from_the_file_before_takes_the_shipped_file_after_its_migration(
    question_set, questionset_data
):
    """The help texts of the two "up to three" questions lost their first sentence, which
    repeated the question's "(velg inntil tre)". A database loaded from the file before
    would have refused the shipped file on the next `make run` ("version 1 already exists
    with other content"); migration 0020 corrects the stored texts as an admin would, with
    a WordingChange each, and leaves an admin's own words alone."""
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.models import QuerySet

    from surveys.models import WordingChange

    name = "0020_help_text_says_up_to_three_once"
    migration = import_module(f"surveys.migrations.{name}")
    # The models as the migration sees them (no structure lock, no recording manager).
    apps = MigrationLoader(connection).project_state(("surveys", name)).apps

    def store(question: Question, **texts) -> None:  # as a database loaded before holds them
        QuerySet.update(Question.objects.filter(pk=question.pk), **texts)

    for code, languages in migration.HELP.items():
        question = Question.objects.get(question_set=question_set, code=code)
        for language, (_before, now) in languages.items():
            assert getattr(question, f"help_{language}") == now  # what the shipped file loads
        store(question, **{f"help_{lang}": before for lang, (before, _now) in languages.items()})
    implemented = Question.objects.get(question_set=question_set, code="implemented_by")
    store(implemented, help_en="Our own words.")
    revision = QuestionSet.objects.get(pk=question_set.pk).revision
    recorded = WordingChange.objects.filter(question_set=question_set).count()
    migration.forwards(apps, None)
    initiated = Question.objects.get(question_set=question_set, code="initiated_by")
    assert initiated.help_nb.startswith("Tenk på hvem eller hva") and "inntil tre" not in initiated.help_nn
    assert Question.objects.get(pk=implemented.pk).help_en == "Our own words."
    assert WordingChange.objects.filter(question_set=question_set).count() == recorded + 5
    assert QuestionSet.objects.get(pk=question_set.pk).revision == revision + 1
    store(implemented, help_en=migration.HELP["implemented_by"]["en"][1])
    assert import_questionset(questionset_data) == question_set  # what setup_demo does


def _draft_with_a_condition_on_the_previous_version(question_set):
    """A new draft version whose question "novelty" is shown on an option of the published
    version it was copied from: the same codes, another set."""
    draft = new_version(question_set)
    novelty = Question.objects.get(question_set=draft, code="novelty")
    foreign = Option.objects.get(question__question_set=question_set, question__code="inc_services", code="yes")
    novelty.show_if_options.set([foreign])
    return draft, novelty


def test_a_condition_on_another_versions_option_is_refused_at_publishing(question_set):
    """A tester gave a draft's question a condition on the previous version's option (the
    admin listed both under one name) and published it: the question could never be shown."""
    draft, _novelty = _draft_with_a_condition_on_the_previous_version(question_set)
    with translation.override("nb"), pytest.raises(PublishRefused) as refused:
        publish(draft)
    [reason] = refused.value.errors
    assert reason.startswith("Del 4 (newest), spørsmål 5 (novelty), visningsvilkår: "), reason
    assert "alternativet «inc_services.yes» er fra et annet spørsmålssett (innovasjonsbarometeret, versjon 1)" in reason
    draft.refresh_from_db()
    assert draft.status == QuestionSetStatus.DRAFT


def _change(admin_client, obj, changes: dict):
    """Post the object's admin change form (in bokmål) with its own values, its inline
    forms' too, and ``changes``."""
    from django.conf import settings
    from django.urls import reverse

    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    page = admin_client.get(url)
    forms = [page.context["adminform"].form]
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            data[key] = "on" if value is True else [str(v) for v in value] if isinstance(value, list) else str(value)
    data.update(changes)
    return admin_client.post(url, data)


def test_the_admin_offers_and_takes_only_the_sets_own_options_for_a_condition(admin_client, question_set):
    from django.urls import reverse

    draft, novelty = _draft_with_a_condition_on_the_previous_version(question_set)
    novelty.show_if_options.clear()
    page = admin_client.get(reverse("admin:surveys_question_change", args=[novelty.pk]))
    offered = page.context["adminform"].form.fields["show_if_options"].queryset
    assert offered.exists() and not offered.exclude(question__question_set=draft).exists()
    foreign = Option.objects.get(question__question_set=question_set, question__code="inc_services", code="yes")
    response = _change(admin_client, novelty, {"show_if_options": [str(foreign.pk)]})
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["show_if_options"]
    # Not offered, so Django's own "not one of the choices"; the form's check stands behind it.
    assert "gyldig" in error or "innovasjonsbarometeret, versjon 1" in error, error
    assert not novelty.show_if_options.exists()
    own = Option.objects.get(question__question_set=draft, question__code="inc_services", code="yes")
    response = _change(admin_client, novelty, {"show_if_options": [str(own.pk)]})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(novelty.show_if_options.all()) == [own]


def test_a_new_question_with_another_versions_option_is_refused_by_its_form(admin_user, question_set, rf):
    """A new question's set is not known until it is saved, so its picker lists every set's
    options; the form refuses one of another set."""
    from django.contrib.admin.sites import site

    draft, _novelty = _draft_with_a_condition_on_the_previous_version(question_set)
    section = draft.sections.get(code="newest")
    foreign = Option.objects.get(question__question_set=question_set, question__code="inc_services", code="yes")
    own = Option.objects.get(question__question_set=draft, question__code="inc_services", code="yes")
    request = rf.get("/")
    request.user = admin_user
    form_class = site._registry[Question].get_form(request, None)
    data = {"section": section.pk, "position": 99, "code": "extra", "kind": "text", "required": "on",
            "text_nb": "Noe mer?", "show_if_mode": "any"}  # fmt: skip
    with translation.override("nb"):
        refused = form_class(data={**data, "show_if_options": [foreign.pk]})
        assert not refused.is_valid()
        assert refused.errors["show_if_options"] == [
            "Velg bare alternativer fra dette spørsmålssettet: inc_services.yes hører til et annet "
            "(innovasjonsbarometeret, versjon 1)."
        ]
    assert form_class(data={**data, "show_if_options": [own.pk]}).is_valid()
