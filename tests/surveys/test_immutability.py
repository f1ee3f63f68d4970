"""A published question set cannot change in structure, through any code path."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from surveys.models import (
    Option,
    PublishedStructureError,
    Question,
    QuestionSet,
    QuestionSetStatus,
    Section,
    WordingChange,
)
from surveys.services.questionsets import export_questionset_data, new_version


@pytest.fixture
def question(question_set):
    return Question.objects.get(question_set=question_set, code="initiated_by")


def test_changing_a_question_code_is_refused(question):
    question.code = "started_by"
    with pytest.raises(PublishedStructureError):
        question.save()
    question.refresh_from_db()
    assert question.code == "initiated_by"


def test_changing_the_maximum_number_of_choices_is_refused(question):
    question.max_choices = 4
    with pytest.raises(ValidationError) as excinfo:
        question.full_clean()
    (error,) = excinfo.value.error_dict["__all__"]
    assert error.code == "published_immutable"
    assert str(question._meta.get_field("max_choices").verbose_name) in error.message
    with pytest.raises(PublishedStructureError):
        question.save()


def test_reordering_sections_is_refused(question_set):
    section = question_set.sections.get(code="culture")
    section.position = 99
    with pytest.raises(PublishedStructureError):
        section.save()


def test_changing_an_option_score_or_exclusive_flag_is_refused(question_set):
    option = Option.objects.get(question__question_set=question_set, question__code="collaborated_with", code="none")
    option.exclusive = False
    with pytest.raises(PublishedStructureError):
        option.save()


@pytest.mark.parametrize("model", [Section, Question, Option])
def test_queryset_update_of_structure_is_refused(question_set, model):
    field = {"Section": "position", "Question": "required", "Option": "position"}[model.__name__]
    value = {"Section": 50, "Question": False, "Option": 77}[model.__name__]
    with pytest.raises(PublishedStructureError):
        model.objects.filter(pk=model.objects.first().pk).update(**{field: value})


@pytest.mark.parametrize("model", [QuestionSet, Section, Question, Option])
def test_deleting_is_refused_for_instances_and_querysets(question_set, model):
    obj = model.objects.first()
    with pytest.raises(PublishedStructureError):
        obj.delete()
    with pytest.raises(PublishedStructureError):
        model.objects.all().delete()
    assert model.objects.filter(pk=obj.pk).exists()


def test_adding_parts_is_refused(question_set, question):
    with pytest.raises(PublishedStructureError):
        Section.objects.create(question_set=question_set, code="extra", position=50, title_nb="Ekstra")
    with pytest.raises(PublishedStructureError):
        Option.objects.create(question=question, code="robots", position=50, label_nb="Roboter")
    with pytest.raises(PublishedStructureError):
        Option.objects.bulk_create([Option(question=question, code="robots", position=50, label_nb="Roboter")])
    assert not question.options.filter(code="robots").exists()


def test_changing_a_display_condition_is_refused(question_set):
    section = question_set.sections.get(code="culture")
    option = Option.objects.filter(question__question_set=question_set).first()
    # Django changes many-to-many relations inside the caller's transaction; a savepoint
    # keeps the refused change from poisoning it, as it would in a request.
    with pytest.raises(PublishedStructureError), transaction.atomic():
        section.show_if_options.add(option)
    newest = question_set.sections.get(code="newest")
    with pytest.raises(PublishedStructureError), transaction.atomic():
        newest.show_if_options.clear()
    assert newest.show_if_options.count() == 3


def test_a_published_set_cannot_go_back_to_draft(question_set):
    question_set.status = QuestionSetStatus.DRAFT
    with pytest.raises(PublishedStructureError):
        question_set.save()


def test_retiring_is_allowed(question_set):
    question_set.status = QuestionSetStatus.RETIRED
    question_set.save()
    question_set.refresh_from_db()
    assert question_set.status == QuestionSetStatus.RETIRED


def test_correcting_wording_is_allowed_and_recorded(question):
    old = question.text_nn
    question.text_nn = "Kven eller kva sette i gang den nyaste innovasjonen? (vel inntil tre)"
    question.save()
    question.refresh_from_db()
    assert question.text_nn.startswith("Kven eller kva sette")
    change = WordingChange.objects.get()
    assert (change.field, change.old_text, change.object_label) == ("text_nn", old, str(question))


def test_correcting_wording_through_a_queryset_update_is_recorded(question_set):
    Option.objects.filter(question__question_set=question_set, code="employees").update(label_en="Staff")
    assert WordingChange.objects.filter(field="label_en", new_text="Staff").count() == 2


def test_a_draft_can_be_edited_freely(question_set):
    draft = new_version(question_set)
    section = draft.sections.get(code="culture")
    section.position = 99
    section.save()
    Option.objects.filter(question__question_set=draft, code="none").delete()
    assert not WordingChange.objects.exists()


def test_new_version_copies_everything_including_translations_and_conditions(question_set):
    draft = new_version(question_set)
    assert (draft.slug, draft.version, draft.status) == (question_set.slug, 2, QuestionSetStatus.DRAFT)
    original = export_questionset_data(question_set)
    copied = export_questionset_data(draft)
    assert copied == {**original, "version": 2, "status": "draft"}
    # The copy's conditions point at the copy's own options, not at the published set's.
    newest = draft.sections.get(code="newest")
    assert {o.question.question_set_id for o in newest.show_if_options.all()} == {draft.pk}


def test_a_wording_correction_reaches_the_cached_questionnaire(question_set):
    from surveys.questionnaire import Questionnaire

    first = Questionnaire.of(question_set)
    assert Questionnaire.of(QuestionSet.objects.get(pk=question_set.pk)) is first  # served from memory
    question = Question.objects.get(question_set=question_set, code="role")
    question.text_en = "What is your role?"
    question.save()
    again = Questionnaire.of(QuestionSet.objects.get(pk=question_set.pk))
    assert again is not first
    assert next(q for q in again.questions if q.code == "role").text_en == "What is your role?"


def test_correcting_the_set_s_own_title_bumps_its_revision_once(question_set):
    """The set's own save writes its revision: a bump made before it must not be undone."""
    from surveys.questionnaire import Questionnaire

    first = Questionnaire.of(question_set)
    before = question_set.revision
    question_set.title_en = "The Innovation Barometer, corrected"
    question_set.intro_en = "A corrected introduction."
    question_set.save()
    question_set.refresh_from_db()
    assert question_set.revision == before + 1  # two texts, one save: one new revision
    assert question_set.wording_changes.filter(field__in=["title_en", "intro_en"]).count() == 2
    again = Questionnaire.of(QuestionSet.objects.get(pk=question_set.pk))
    assert again is not first


def test_saving_the_set_without_a_new_text_keeps_its_revision(question_set):
    before = question_set.revision
    question_set.save()
    question_set.refresh_from_db()
    assert question_set.revision == before


def test_a_queryset_correction_of_the_set_s_title_bumps_its_revision(question_set):
    before = question_set.revision
    QuestionSet.objects.filter(pk=question_set.pk).update(title_en="Corrected through a queryset")
    question_set.refresh_from_db()
    assert (question_set.revision, question_set.title_en) == (before + 1, "Corrected through a queryset")


def test_a_question_s_two_corrected_texts_bump_the_set_s_revision_once(question_set):
    question = Question.objects.get(question_set=question_set, code="role")
    before = question_set.revision
    question.text_en = "Your role?"
    question.help_en = "Choose the one that fits best."
    question.save()
    question_set.refresh_from_db()
    assert question_set.revision == before + 1
