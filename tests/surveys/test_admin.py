"""The Django admin for every model renders for a superuser, and respects the structure lock."""

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
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


@pytest.fixture
def same_page_draft(question_set):
    """A draft whose question "which" depends on "tried" on the same page (built in the
    admin), which publishing refuses."""
    import json

    from surveys.services.questionsets import import_questionset
    from tests.surveys.test_questionset_versions import SAME_PAGE_CASE

    data = json.loads(SAME_PAGE_CASE.read_text(encoding="utf-8"))
    data["status"] = "draft"
    data["sections"][0]["questions"][1]["show_if"] = None
    draft = import_questionset(data)
    which = Question.objects.get(question_set=draft, code="which")
    which.show_if_options.set([Option.objects.get(question__question_set=draft, question__code="tried", code="yes")])
    return draft


def _messages(response) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in response.context["messages"]]


def test_publishing_nothing_is_never_reported_as_a_success(admin_client, question_set, same_page_draft):
    """A refused draft gets its reasons and nothing green beside them ("0 question sets
    published" read as if something had gone well); a choice without a draft, or without a
    published set to retire, is told so."""
    changelist = reverse("admin:surveys_questionset_changelist")

    def act(action, chosen):
        return _messages(admin_client.post(changelist, {"action": action, "_selected_action": [chosen.pk]},
                                           follow=True))  # fmt: skip

    refused = act("publish_sets", same_page_draft)
    assert [level for level, _text in refused] == ["error"]
    assert "ble ikke publisert" in refused[0][1] and "avhenger av spørsmålet «tried»" in refused[0][1]
    assert act("publish_sets", question_set) == [
        ("warning", "Ingenting ble publisert: ingen av de valgte spørsmålssettene er et utkast.")
    ]
    assert act("retire_sets", same_page_draft) == [
        ("warning", "Ingenting ble tatt ut av bruk: ingen av de valgte spørsmålssettene er publisert.")
    ]
    assert QuestionSet.objects.get(pk=same_page_draft.pk).status == QuestionSetStatus.DRAFT


# --- A protected structure explains itself (issue 15, item 7) ------------------------------------


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_deleting_an_option_of_a_published_question_explains_why_in_the_admin_look(
    admin_client, question_set, language, settings
):
    option = Option.objects.filter(question__question_set=question_set).first()
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("admin:surveys_option_delete", args=[option.pk])
    for response in (admin_client.get(url), admin_client.post(url, {"post": "yes"})):
        assert response.status_code == 403
        page = response.content.decode()
        assert 'id="site-name"' in page or "site-name" in page  # the admin's header: the admin's look
        assert "403 Forbidden" not in page
        expected = {
            "nb": ("Denne endringen er ikke mulig", "Kopier til en ny utkastversjon"),
            "nn": ("Denne endringa er ikkje mogleg", "Kopier til ein ny utkastversjon"),
            "en": ("This change is not possible", "Copy to a new draft version"),
        }[language]
        assert all(text in page for text in expected), expected
        assert f'lang="{language}"' in page
    assert Option.objects.filter(pk=option.pk).exists()


def test_delete_selected_over_published_parts_is_refused_with_the_reason(admin_client, question_set):
    options = Option.objects.filter(question__question_set=question_set)[:3]
    response = admin_client.post(
        reverse("admin:surveys_option_changelist"),
        {"action": "delete_selected", "_selected_action": [o.pk for o in options], "post": "yes"},
    )
    assert response.status_code == 403
    assert "Copy to a new draft version" in response.content.decode() or "utkastversjon" in response.content.decode()
    assert Option.objects.filter(pk__in=[o.pk for o in options]).count() == 3


def test_draft_parts_can_still_be_deleted(admin_client, question_set):
    from surveys.services.questionsets import new_version

    draft = new_version(question_set)
    option = Option.objects.filter(question__question_set=draft).first()
    response = admin_client.post(reverse("admin:surveys_option_delete", args=[option.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Option.objects.filter(pk=option.pk).exists()


def test_the_wording_changes_are_read_only(admin_client, question_set):
    from surveys.models import WordingChange

    question = Question.objects.get(question_set=question_set, code="role")
    question.text_en = "What is your role?"
    question.save()
    change = WordingChange.objects.get(question_set=question_set)
    listing = admin_client.get(reverse("admin:surveys_wordingchange_changelist")).content.decode()
    assert "delete_selected" not in listing
    assert 'name="action"' not in listing
    view = admin_client.get(reverse("admin:surveys_wordingchange_change", args=[change.pk]))
    assert view.status_code == 200 and 'type="submit"' not in view.content.decode().split('id="content-main"')[1]
    for url in (
        reverse("admin:surveys_wordingchange_delete", args=[change.pk]),
        reverse("admin:surveys_wordingchange_add"),
    ):
        response = admin_client.get(url)
        assert response.status_code == 403
        assert "403 Forbidden" not in response.content.decode() and "site-name" in response.content.decode()
    response = admin_client.post(
        reverse("admin:surveys_wordingchange_changelist"),
        {"action": "delete_selected", "_selected_action": [change.pk], "post": "yes"},
    )
    assert WordingChange.objects.filter(pk=change.pk).exists()


def test_reference_figures_take_workplace_types_from_a_list(admin_client, barometer_data):
    from barometer.models import ReferenceFigure

    figure = ReferenceFigure.objects.filter(workplace_types=[]).first()
    url = reverse("admin:barometer_referencefigure_change", args=[figure.pk])
    page = admin_client.get(url)
    html = page.content.decode()
    assert 'type="checkbox" name="workplace_types" value="kindergarten"' in html
    assert "Barnehage" in html or "Kindergarten" in html
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "workplace_types"}
    data["workplace_types"] = ["nursing_home", "kindergarten"]
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    figure.refresh_from_db()
    assert figure.workplace_types == ["kindergarten", "nursing_home"]
    bad = admin_client.post(url, {**data, "workplace_types": ["kindergarden"]})
    assert bad.status_code == 200 and bad.context["adminform"].form.errors["workplace_types"]


def test_indicators_take_questions_and_options_from_lists(admin_client, barometer_data, question_set):
    from barometer.models import Indicator

    indicator = Indicator.objects.get(key="leaders-initiated")
    url = reverse("admin:barometer_indicator_change", args=[indicator.pk])
    page = admin_client.get(url)
    html = page.content.decode()
    assert '<option value="initiated_by" selected>initiated_by: ' in html
    assert '<option value="leaders" selected>leaders: ' in html
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data["reference_figures"] = [figure.pk for figure in indicator.reference_figures.all()]
    data.update(question_codes=["initiated_by", "implemented_by"], option_codes=["leaders", "employees"])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    indicator.refresh_from_db()
    assert (set(indicator.question_codes), set(indicator.option_codes)) == (
        {"initiated_by", "implemented_by"},
        {"leaders", "employees"},
    )
    # It counts something else now; the words of what it counts were written for the old count.
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert any("teller nå noe annet" in warning for warning in warnings), warnings
    admin_client.get(response.url)  # the page the admin comes back to shows (and uses up) it
    # Worded anew with the new count: no warning.
    data.update(share_clause_nb="oppgir at ledere eller medarbeidere satte i gang egen nyeste innovasjon")
    data.update(option_codes=["leaders"])
    reworded = admin_client.post(url, data)
    assert not [m for m in get_messages(reworded.wsgi_request) if m.level_tag == "warning"]
    stray = admin_client.post(url, {**data, "option_codes": ["leaders", "quality"]})
    assert stray.status_code == 200
    assert "quality" in str(stray.context["adminform"].form.errors["option_codes"])
    unknown = admin_client.post(url, {**data, "question_codes": ["no_such_question"]})
    assert unknown.status_code == 200 and unknown.context["adminform"].form.errors["question_codes"]


def _submitted_response(national_round, municipality):
    from surveys.models import WorkplaceType
    from tests.builders import ResponseBuilder, innovator

    return ResponseBuilder(national_round).submitted(
        workplace_type=WorkplaceType.PRIMARY_SCHOOL, municipality=municipality, answers=innovator()
    )


def _delete_in_admin(admin_client, capture_on_commit, model: str, pk: int, how: str):
    """Delete one ``surveys.<model>`` row through its delete page or the changelist's
    "delete selected" action, running the commit callbacks; the admin's reply."""
    with capture_on_commit(execute=True):
        if how == "delete view":
            return admin_client.post(reverse(f"admin:surveys_{model}_delete", args=[pk]), {"post": "yes"})
        return admin_client.post(
            reverse(f"admin:surveys_{model}_changelist"),
            {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
        )


@pytest.mark.parametrize("how", ["delete view", "delete selected"])
def test_deleting_an_answer_in_the_admin_brings_the_masks_and_figures_up_to_date(
    admin_client, national_round, municipality, django_capture_on_commit_callbacks, how
):
    """An admin may delete one answer (a text with a name in it, say); the response's option
    masks then hold only the options still chosen, and the round's figures are told."""
    from django.core.cache import cache

    from surveys.models import Answer
    from surveys.services.answering import data_version_key
    from tests.barometer.test_option_masks import assert_masks_match_answers

    response = _submitted_response(national_round, municipality)
    answer = Answer.objects.filter(response=response, choices__isnull=False).first()
    before = cache.get(data_version_key(national_round.pk))
    page = _delete_in_admin(admin_client, django_capture_on_commit_callbacks, "answer", answer.pk, how)
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("admin:surveys_answer_changelist"))  # back to the list
    assert not Answer.objects.filter(pk=answer.pk).exists()
    assert assert_masks_match_answers(Response.objects.filter(pk=response.pk)) == 1
    assert cache.get(data_version_key(national_round.pk)) != before


@pytest.mark.parametrize("how", ["delete view", "delete selected"])
def test_deleting_responses_in_the_admin_tells_the_round_s_figures(
    admin_client, national_round, municipality, django_capture_on_commit_callbacks, how
):
    from django.core.cache import cache

    from surveys.services.answering import data_version_key

    response = _submitted_response(national_round, municipality)
    before = cache.get(data_version_key(national_round.pk))
    page = _delete_in_admin(admin_client, django_capture_on_commit_callbacks, "response", response.pk, how)
    assert page.status_code == 302
    assert not Response.objects.filter(pk=response.pk).exists()
    assert cache.get(data_version_key(national_round.pk)) != before


#: Fields the system keeps: counts, timestamps of what it did, links and their digests,
#: generated keys and bit masks, and states changed only by actions. Editing one in the
#: admin would make it disagree with what happened (an invitation marked sent that was
#: never sent is never sent; a reminder count not the reminder log's).
SYSTEM_FIELDS = {
    "reminder_count",
    "sent_at",
    "last_reminded_at",
    "started_at",
    "submitted_at",
    "updated_at",
    "created_at",
    "published_at",
    "results_published_at",
    "imported_at",
    "changed_at",
    "token",
    "token_digest",
    "digest",
    "name_key",
    "size_class",
    "text_revision",
    "range_low",
    "range_high",
    "option_bits_0",
    "option_bits_1",
    "option_bits_2",
    "option_bits_3",
}


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m.__name__)
def test_no_admin_form_edits_a_field_the_system_keeps(admin_user, rf, populated, model):
    """``reminder_count``, ``sent_at`` and ``last_reminded_at`` of an invitation could be
    edited in the admin. Every admin form, to add and to change, leaves such fields read-only."""
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = admin_user
    for obj in (None, model.objects.first()):
        if obj is None and not model_admin.has_add_permission(request):
            continue
        if obj is not None and not model_admin.has_change_permission(request, obj):
            continue
        editable = set(model_admin.get_form(request, obj).base_fields)
        assert not editable & SYSTEM_FIELDS, (model.__name__, "add" if obj is None else "change")


def test_an_invitation_s_reminders_and_round_stay_as_the_system_keeps_them(admin_client, populated, national_round):
    from django.utils import timezone

    from surveys.models import Round

    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(reminder_count=2, sent_at=timezone.now())
    invitation.refresh_from_db()
    other = Round.objects.get(pk=national_round.pk)
    other.pk, other.slug = None, "en-annen-runde"
    other.save()
    url = reverse("admin:surveys_invitation_change", args=[invitation.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert not {"reminder_count", "sent_at", "last_reminded_at", "round", "workplace"} & set(form.fields)
    answer = admin_client.post(
        url,
        {
            "email": "ny@example.invalid",
            "language": "nb",
            "round": other.pk,
            "reminder_count": "0",
            "sent_at_0": "",
            "sent_at_1": "",
        },
    )
    assert answer.status_code == 302
    after = Invitation.objects.get(pk=invitation.pk)
    assert after.email == "ny@example.invalid"  # what an admin may correct
    assert (after.reminder_count, after.sent_at, after.round_id) == (2, invitation.sent_at, national_round.pk)
