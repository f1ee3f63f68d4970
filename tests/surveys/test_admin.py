"""The Django admin for every model renders for a superuser, and respects the structure lock."""

import pytest
from django.contrib import admin
from django.urls import reverse

from surveys.models import Invitation, Option, Question, QuestionSet, QuestionSetStatus, Response, Section


@pytest.fixture
def populated(question_set, national_round, workplace):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace, email="leder@example.invalid")
    Response.objects.create(
        round=national_round,
        question_set=question_set,
        invitation=invitation,
        workplace=workplace,
        workplace_type=workplace.workplace_type,
        municipality=workplace.municipality,
    )


def registered_models():
    return [model for model in admin.site._registry if model._meta.app_label in {"surveys", "barometer"}]


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m.__name__)
def test_changelist_and_change_pages_render(admin_client, admin_user, rf, populated, model):
    opts = model._meta
    response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200
    obj = model.objects.first()
    if obj is not None:
        response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert response.status_code == 200
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = admin_user
    if model_admin.has_add_permission(request):
        response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        assert response.status_code == 200


def test_published_question_shows_structure_read_only_and_texts_editable(admin_client, question_set):
    question = Question.objects.get(question_set=question_set, code="initiated_by")
    page = admin_client.get(reverse("admin:surveys_question_change", args=[question.pk])).content.decode()
    assert 'name="text_nn"' in page
    assert 'name="code"' not in page
    assert 'name="max_choices"' not in page
    assert 'name="options-TOTAL_FORMS"' in page
    assert "options-__prefix__" not in page  # no empty form to add options


def test_admin_can_correct_a_translation_of_a_published_question(admin_client, question_set):
    question = Question.objects.get(question_set=question_set, code="role")
    page = admin_client.get(reverse("admin:surveys_question_change", args=[question.pk]))
    form = page.context["adminform"].form
    data = {
        name: form.initial.get(name, "") or ""
        for name in ("text_nb", "text_nn", "text_en", "help_nb", "help_nn", "help_en")
    }
    data["text_en"] = "What is your role at the workplace?"
    inline = page.context["inline_admin_formsets"][0].formset
    data.update({f"options-{key}": value for key, value in inline.management_form.initial.items()})
    for index, option_form in enumerate(inline.forms):
        data[f"options-{index}-id"] = option_form.instance.pk
        data[f"options-{index}-question"] = question.pk
        for field in ("label_nb", "label_nn", "label_en"):
            data[f"options-{index}-{field}"] = getattr(option_form.instance, field)
    response = admin_client.post(reverse("admin:surveys_question_change", args=[question.pk]), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.text_en == "What is your role at the workplace?"
    assert question_set.wording_changes.filter(field="text_en").exists()


def test_published_set_cannot_be_deleted_from_the_admin(admin_client, question_set):
    response = admin_client.post(reverse("admin:surveys_questionset_delete", args=[question_set.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert QuestionSet.objects.filter(pk=question_set.pk).exists()


def test_bulk_delete_of_published_options_is_refused_without_error(admin_client, question_set):
    pks = list(Option.objects.values_list("pk", flat=True)[:3])
    response = admin_client.post(
        reverse("admin:surveys_option_changelist"),
        {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
    )
    assert response.status_code in {200, 302, 403}
    assert Option.objects.filter(pk__in=pks).count() == 3


def test_new_version_action_copies_to_a_draft(admin_client, question_set):
    response = admin_client.post(
        reverse("admin:surveys_questionset_changelist"),
        {"action": "make_new_version", "_selected_action": [question_set.pk]},
        follow=True,
    )
    assert response.status_code == 200
    draft = QuestionSet.objects.get(version=2)
    assert draft.status == QuestionSetStatus.DRAFT
    assert Section.objects.filter(question_set=draft).count() == question_set.sections.count()
    page = admin_client.get(reverse("admin:surveys_questionset_change", args=[draft.pk])).content.decode()
    assert 'name="slug"' in page  # a draft is editable


def test_publish_and_retire_actions(admin_client, question_set):
    admin_client.post(
        reverse("admin:surveys_questionset_changelist"),
        {"action": "make_new_version", "_selected_action": [question_set.pk]},
    )
    draft = QuestionSet.objects.get(version=2)
    admin_client.post(
        reverse("admin:surveys_questionset_changelist"), {"action": "publish_sets", "_selected_action": [draft.pk]}
    )
    admin_client.post(
        reverse("admin:surveys_questionset_changelist"),
        {"action": "retire_sets", "_selected_action": [question_set.pk]},
    )
    assert dict(QuestionSet.objects.values_list("version", "status")) == {1: "retired", 2: "published"}
