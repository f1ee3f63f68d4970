"""Whole numbers are held to the range PostgreSQL stores, on SQLite as well (surveys.columns).

SQLite stored 99999999999 as a question set's version, a population or a number of
employees typed into the admin; PostgreSQL refuses it, and the set's export did not import
again. The rule is now the model fields' own, so every model form (the admin's among them)
and the import checks refuse such a number, whichever database runs, with a message in the
admin's language.
"""

import io
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import formats, translation

from barometer.models import Indicator
from surveys.columns import StoredMaxValueValidator, StoredMinValueValidator, stored_range
from surveys.models import (
    Invitation,
    Municipality,
    PopulationCell,
    Question,
    QuestionSet,
    QuestionSetStatus,
    Region,
    Workplace,
)
from surveys.services.questionsets import export_questionset_data, import_questionset

TOO_LARGE = 99_999_999_999
LARGER = {
    "nb": "Skriv et tall som ikke er større enn",
    "nn": "Skriv eit tal som ikkje er større enn",
    "en": "Write a number no larger than",
}
SMALLER = {
    "nb": "Skriv et tall som ikke er mindre enn",
    "nn": "Skriv eit tal som ikkje er mindre enn",
    "en": "Write a number no smaller than",
}


def _is_key(model, field) -> bool:
    """A primary key, or a history table's copy of its model's (no form writes either)."""
    original = getattr(model, "instance_type", None)  # django-simple-history's historical models
    return isinstance(field, models.AutoField) or (original is not None and field.name == original._meta.pk.name)


def integer_fields():
    """(model, field) for every integer column of the project's models, history tables included."""
    return [
        (model, field)
        for label in ("surveys", "barometer")
        for model in apps.get_app_config(label).get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.IntegerField) and not _is_key(model, field)
    ]


def editable_integer_fields():
    return [(model, field) for model, field in integer_fields() if field.editable]


def _id(pair) -> str:
    model, field = pair
    return f"{model.__name__}.{field.name}"


def grouped(number: int, language: str) -> str:
    with translation.override(language):
        return formats.number_format(number, force_grouping=True)


@pytest.mark.parametrize("pair", integer_fields(), ids=_id)
def test_every_integer_field_is_held_to_the_range_postgresql_stores(pair):
    _model, field = pair
    low, high = stored_range(field)
    assert [type(v) for v in field.validators].count(StoredMinValueValidator) == 1
    assert [type(v) for v in field.validators].count(StoredMaxValueValidator) == 1
    # Checked the same way on every database, SQLite's 64-bit integers included.
    for value in (low, high):
        field.run_validators(value)
    for value in (low - 1, high + 1):
        with pytest.raises(ValidationError):
            field.run_validators(value)


@pytest.mark.parametrize("pair", editable_integer_fields(), ids=_id)
@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_every_model_form_refuses_a_number_its_column_cannot_hold(pair, language):
    """What a model form runs for the field (``full_clean``), with the message the admin shows."""
    model, field = pair
    low, high = stored_range(field)
    others = [other.name for other in model._meta.fields if other.name != field.name]
    with translation.override(language):
        for value, words in ((high + 1, LARGER), (low - 1, SMALLER)):
            instance = model(**{field.attname: value})
            with pytest.raises(ValidationError) as refused:
                instance.clean_fields(exclude=others)
            if field.choices:
                continue  # the choices refuse it first, with their own message
            bound = grouped(low if value < low else high, language)
            assert refused.value.message_dict == {field.name: [f"{words[language]} {bound}."]}


def test_the_admin_refuses_a_question_set_version_postgresql_cannot_store(admin_client):
    """The fault as it was met: version 99999999999 stored on SQLite, and the set's export
    refused by the import ("(file).version: 99999999999 is larger than 2147483647")."""
    url = reverse("admin:surveys_questionset_add")
    data = {
        "slug": "stor",
        "version": str(TOO_LARGE),
        "title_nb": "Stor versjon",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["version"] == [f"{LARGER['nb']} {grouped(2_147_483_647, 'nb')}."]
    assert not QuestionSet.objects.filter(slug="stor").exists()
    # The largest version that can be stored is taken, and its export imports again.
    response = admin_client.post(url, {**data, "version": "2147483647"})
    assert response.status_code == 302
    stored = QuestionSet.objects.get(slug="stor")
    assert export_questionset_data(stored)["version"] == 2_147_483_647


def test_the_export_of_the_largest_version_imports_again(question_set):
    data = export_questionset_data(question_set) | {"version": 2_147_483_647, "status": QuestionSetStatus.DRAFT}
    copy = import_questionset(data)
    assert import_questionset(export_questionset_data(copy)) == copy


def _change(admin_client, obj, changes: dict, language: str = "nb"):
    """Post the object's admin change form with its own values and ``changes``."""
    from django.conf import settings

    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(item) for item in value] if isinstance(value, list | tuple) else str(value)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
    data.update(changes)
    return admin_client.post(url, data)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize(
    ("model", "field", "high"),
    [
        (Municipality, "population", 2_147_483_647),
        (Workplace, "employees", 2_147_483_647),
        (Region, "position", 32_767),
        # Invitation.reminder_count is kept by send_reminders and read-only in the admin
        # (tests/surveys/test_admin.py); its model still refuses 32 768.
        (PopulationCell, "workplaces", 2_147_483_647),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_admin_change_forms_refuse_a_number_postgresql_cannot_store(
    admin_client, national_round, workplace, language, model, field, high
):
    from surveys.models import WorkplaceType

    Invitation.objects.create(round=national_round, workplace=workplace, email="leder@example.invalid")
    PopulationCell.objects.create(
        round=national_round, workplace_type=WorkplaceType.KINDERGARTEN, region=Region.objects.first(), workplaces=3
    )
    obj = model.objects.first()
    before = getattr(obj, field)
    response = _change(admin_client, obj, {field: str(high + 1)}, language)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [f"{LARGER[language]} {grouped(high, language)}."]
    obj.refresh_from_db()
    assert getattr(obj, field) == before


def test_a_question_inline_refuses_bounds_postgresql_cannot_store(admin_client, question_set):
    """The number bounds of a draft's question, edited in the section's inline."""
    from surveys.services.questionsets import new_version

    draft = new_version(question_set)
    question = Question.objects.filter(question_set=draft, kind="rating").first()
    section = question.section
    url = reverse("admin:surveys_section_change", args=[section.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: str(form[name].value() or "") for name in form.fields if name != "show_if_options"}
    formset = page.context["inline_admin_formsets"][0].formset
    data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
    for index, inline_form in enumerate(formset.forms):
        for name in inline_form.fields:
            value = inline_form[name].value()
            if value is not None and value is not False:
                data[inline_form.add_prefix(name)] = str(value)
        if inline_form.instance.pk == question.pk:
            data[inline_form.add_prefix("min_value")] = str(-TOO_LARGE)
            data[inline_form.add_prefix("max_value")] = str(TOO_LARGE)
            changed = index
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors[changed]
    assert errors["min_value"] == [f"{SMALLER['nb']} {grouped(-2_147_483_648, 'nb')}."]
    assert errors["max_value"] == [f"{LARGER['nb']} {grouped(2_147_483_647, 'nb')}."]
    question.refresh_from_db()
    assert (question.min_value, question.max_value) != (-TOO_LARGE, TOO_LARGE)


def test_the_indicator_list_refuses_a_position_postgresql_cannot_store(admin_client, barometer_data):
    """The indicator list edits positions in place (``list_editable``): the same rule."""
    indicators = list(Indicator.objects.order_by("pk"))
    data = {
        "form-TOTAL_FORMS": str(len(indicators)),
        "form-INITIAL_FORMS": str(len(indicators)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Lagre",
    }
    changelist = admin_client.get(reverse("admin:barometer_indicator_changelist"))
    for index, form in enumerate(changelist.context["cl"].formset.forms):
        data[f"form-{index}-id"] = str(form.instance.pk)
        data[f"form-{index}-position"] = str(form.instance.position)
        if form.instance.active:
            data[f"form-{index}-active"] = "on"
        if form.instance.headline:
            data[f"form-{index}-headline"] = "on"
    data["form-0-position"] = str(TOO_LARGE)
    response = admin_client.post(reverse("admin:barometer_indicator_changelist"), data)
    assert response.status_code == 200
    assert response.context["cl"].formset.errors[0]["position"] == [f"{LARGER['nb']} {grouped(2_147_483_647, 'nb')}."]
    assert not Indicator.objects.filter(position=TOO_LARGE).exists()


# --- Numbers the code derives from what an admin typed ---------------------------------------


def _largest_version(question_set) -> QuestionSet:
    """A draft copy of ``question_set`` at the largest version the column stores."""
    data = export_questionset_data(question_set) | {"version": 2_147_483_647, "status": QuestionSetStatus.DRAFT}
    return import_questionset(data)


def test_a_file_without_a_version_is_refused_when_the_next_one_cannot_be_stored(question_set):
    """A file without a version gets the one after the newest; after the largest one a
    column stores there is none, and the file is refused like any other bad value."""
    from surveys.services.questionsets import QuestionSetFileError

    _largest_version(question_set)
    data = export_questionset_data(question_set) | {"status": QuestionSetStatus.DRAFT}
    del data["version"]
    with pytest.raises(QuestionSetFileError) as refused:
        import_questionset(data)
    assert refused.value.errors == [
        f"(file).version: the version after {question_set.slug} version 2147483647 cannot be stored: "
        "2147483648 is larger than 2147483647, the largest number that can be stored"
    ]
    assert not QuestionSet.objects.filter(version__gt=2_147_483_647).exists()


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_copying_the_largest_version_in_the_admin_says_why_it_cannot(admin_client, question_set, settings, language):
    newest = _largest_version(question_set)
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    count = QuestionSet.objects.count()
    response = admin_client.post(
        reverse("admin:surveys_questionset_changelist"),
        {"action": "make_new_version", "_selected_action": [newest.pk]},
        follow=True,
    )
    assert response.status_code == 200
    with translation.override(language):  # the catalogue's words ("%(set)s ble ikke kopiert:" in bokmål)
        lead = translation.gettext("%(set)s was not copied:") % {"set": newest}
    [message] = [str(message) for message in response.context["messages"]]
    assert message.startswith(f'{lead}<ul class="message-reasons"><li>')
    # In the admin's language and words: the import command's "(file).version: ... 2147483648
    # is larger than 2147483647, the largest number that can be stored" was shown before.
    reason = {
        "nb": "Versjon: det finnes ingen versjon etter innovasjonsbarometeret versjon 2147483647: versjonsnummeret "
        "2147483648 er større enn det største som kan lagres (2147483647)",
        "nn": "Versjon: det finst ingen versjon etter innovasjonsbarometeret versjon 2147483647: versjonsnummeret "
        "2147483648 er større enn det største som kan lagrast (2147483647)",
        "en": "Version: there is no version after innovasjonsbarometeret version 2147483647: the version number "
        "2147483648 is larger than the largest that can be stored (2147483647)",
    }[language]
    assert f"<li>{reason}</li>" in message, message
    assert "(file)" not in message
    assert QuestionSet.objects.count() == count


def test_a_reminder_count_an_admin_set_to_the_largest_stays_there(national_round, workplace):
    """The count of reminders is an admin's number plus one per reminder: at the largest the
    column stores it stays there (it reads "that many or more") instead of breaking the run."""
    from django.core import mail
    from django.utils import timezone

    from surveys.services.invitations import send_reminders

    high = stored_range(Invitation._meta.get_field("reminder_count"))[1]
    invitation = Invitation.objects.create(
        round=national_round, workplace=workplace, email="leder@example.invalid", sent_at=timezone.now()
    )
    Invitation.objects.filter(pk=invitation.pk).update(reminder_count=high)
    assert send_reminders(national_round) == 1
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.reminder_count == high


@pytest.mark.parametrize("days", ["1000000", "999999999", "99999999999", "9" * 30])
def test_retention_days_beyond_the_calendar_are_refused_with_a_message(db, days):
    """``apply_retention --days`` counts back from today: a number of days that reaches
    before the year 1 has no date, and ended in an OverflowError's traceback."""
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=f"--days {days} reaches back before the year 1"):
        call_command("apply_retention", "--days", days)


def test_retention_days_reaching_far_back_still_run(db):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("apply_retention", "--days", "700000", stdout=out)
    assert "rounds closed more than 700000 days ago" in out.getvalue()


def test_a_reference_figure_wording_with_a_percentage_above_a_hundred_is_refused(admin_client, barometer_data):
    """The admin's wording gives the range the figure allows (``range_low``/``range_high``,
    per cent in a column of 7 digits): "99999 %" was stored on SQLite as a range from
    99998.5, and failed on PostgreSQL. A share is at most 100 %."""
    from barometer.models import ReferenceFigure

    figure = ReferenceFigure.objects.order_by("pk").first()
    before = (figure.wording_nb, figure.range_low, figure.range_high)
    response = _change(admin_client, figure, {"wording_nb": "99999 %", "workplace_types": []})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["wording_nb"][0].startswith("Skriv tallet slik det er publisert")
    figure.refresh_from_db()
    assert (figure.wording_nb, figure.range_low, figure.range_high) == before


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nb", "Skriv antall medarbeidere som et helt tall, 1 eller mer."),
        ("nn", "Skriv talet på tilsette som eit heilt tal, 1 eller meir."),
        ("en", "Write the number of employees as a whole number, 1 or more."),
    ],
)
def test_the_admin_refuses_a_workplace_of_no_employees_as_the_imports_do(admin_client, workplace, language, message):
    """Every import and the self-test refuse 0 employees; the admin stored it."""
    before = workplace.employees
    response = _change(admin_client, workplace, {"employees": "0"}, language)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["employees"] == [message]
    workplace.refresh_from_db()
    assert workplace.employees == before


OTHER_DIGITS = {
    "nb": "Skriv tallet med sifrene 0–9.",
    "nn": "Skriv talet med siffera 0–9.",
    "en": "Write the number with the digits 0–9.",
}


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("written", ["٣٠", "３０", "3٠", "۳۰"], ids=["arabic-indic", "fullwidth", "mixed", "persian"])
@pytest.mark.parametrize(
    ("model", "field"),
    [(Municipality, "population"), (Workplace, "employees"), (Region, "position"), (PopulationCell, "workplaces")],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_admin_number_fields_read_only_the_digits_0_to_9(
    admin_client, national_round, workplace, language, written, model, field
):
    """Django's number fields read "٣٠" or "３０" as 30 (Python's ``int`` does), so the
    admin stored a number no one could see had been written; the questionnaire and the
    imports refuse it."""
    from surveys.models import WorkplaceType

    PopulationCell.objects.create(
        round=national_round, workplace_type=WorkplaceType.KINDERGARTEN, region=Region.objects.first(), workplaces=3
    )
    obj = model.objects.first()
    before = getattr(obj, field)
    response = _change(admin_client, obj, {field: written}, language)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [OTHER_DIGITS[language]]
    # The form's heading in the same language (Django's own catalogues lack its plural form).
    heading = {"nb": "Rett feilen nedenfor.", "nn": "Rett feilen nedanfor.", "en": "Please correct the error below."}
    assert heading[language] in response.content.decode()
    obj.refresh_from_db()
    assert getattr(obj, field) == before
    # A text box with a numeric keyboard: a number box (type="number") was emptied by the
    # browser when it held such digits, and the form stored no number without a word.
    box = re.search(rf'<input [^>]*name="{field}"[^>]*>', response.content.decode()).group(0)
    assert 'type="text"' in box and 'inputmode="numeric"' in box, box
    # The digits 0-9 still work.
    response = _change(admin_client, obj, {field: "30"}, language)
    assert response.status_code == 302, response.context["adminform"].form.errors
    obj.refresh_from_db()
    assert getattr(obj, field) == 30


def test_a_decimal_admin_field_reads_only_the_digits_0_to_9():
    from django.core.exceptions import ValidationError

    from surveys.characters import AsciiDecimalField, AsciiFloatField, AsciiIntegerField

    for field in (AsciiIntegerField(), AsciiDecimalField(), AsciiFloatField()):
        with pytest.raises(ValidationError) as refused:
            field.clean("٢")
        assert refused.value.code == "other_digits"
        assert field.clean("2") == 2
