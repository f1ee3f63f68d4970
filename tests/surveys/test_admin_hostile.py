"""Whatever an admin's browser posts to an admin page (a form left empty, a key that is no
key, a selection that names nothing), the page answers with the form's errors or a
message, never a server error, and changes nothing."""

import pytest
from django import forms
from django.contrib import admin
from django.urls import reverse

from tests.surveys.test_admin import populated  # noqa: F401 (a fixture)


def registered_models():
    """Every model the admin site shows: the project's, and the users, groups and login
    records of the libraries it uses."""
    return list(admin.site._registry)


class _Superuser:
    """Who the admin's permission checks see while the tests are collected (no database)."""

    is_active = is_staff = is_superuser = True

    def has_perm(self, *args, **kwargs):
        return True


def _superuser_request():
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = _Superuser()
    return request


def addable_models():
    """The models whose admin has an add form."""
    return [model for model, model_admin in admin.site._registry.items()
            if model_admin.has_add_permission(_superuser_request())]  # fmt: skip


def models_choosing_rows():
    """The models whose add form chooses other rows (a select, an autocomplete, a list)."""
    return [
        model
        for model in addable_models()
        if any(
            isinstance(field, forms.ModelChoiceField)
            for field in admin.site._registry[model].get_form(_superuser_request()).base_fields.values()
        )
    ]


#: Keys no row has: text, a number too large for any integer column, a NUL, a negative.
BAD_KEYS = ["abc", "99999999999999999999999", "\x00", "-1", "1.5"]


def _counts():
    return {model: model.objects.count() for model in registered_models()}


@pytest.mark.parametrize("model", addable_models(), ids=lambda m: m.__name__)
def test_an_empty_add_form_is_refused_with_its_errors(admin_client, populated, model):  # noqa: F811
    before = _counts()
    opts = model._meta
    response = admin_client.post(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"), {})
    assert response.status_code == 200
    assert _counts() == before


@pytest.mark.parametrize("bad", BAD_KEYS, ids=["text", "huge", "nul", "negative", "decimal"])
@pytest.mark.parametrize("model", models_choosing_rows(), ids=lambda m: m.__name__)
def test_a_key_that_names_no_row_is_refused_in_every_add_form(admin_client, admin_user, rf, populated, model, bad):  # noqa: F811
    """Every choice of another row in an add form (a select, an autocomplete, a list to
    move options between) refuses a key that names no row."""
    request = rf.get("/")
    request.user = admin_user
    fields = admin.site._registry[model].get_form(request)().fields
    chosen = [name for name, field in fields.items() if isinstance(field, forms.ModelChoiceField)]
    assert chosen
    before = _counts()
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    for name in chosen:
        multiple = isinstance(fields[name], forms.ModelMultipleChoiceField)
        response = admin_client.post(url, {name: [bad, bad] if multiple else bad})
        assert response.status_code == 200, name
    assert _counts() == before


@pytest.mark.parametrize("bad", [*BAD_KEYS, ""], ids=["text", "huge", "nul", "negative", "decimal", "empty"])
@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m.__name__)
def test_an_action_on_rows_that_do_not_exist_changes_nothing(admin_client, populated, model, bad):  # noqa: F811
    """An action posted with a selection that names no row (a stale page, a forged post)
    is answered with the list, not a server error."""
    model_admin = admin.site._registry[model]
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    before = _counts()
    actions = model_admin.get_actions(admin_client.get(url).wsgi_request) or {"delete_selected": None}
    for action in actions:
        response = admin_client.post(url, {"action": action, "_selected_action": [bad], "index": "0"})
        assert response.status_code in (200, 302), action
    assert _counts() == before


@pytest.mark.parametrize("bad", BAD_KEYS, ids=["text", "huge", "nul", "negative", "decimal"])
def test_the_autocomplete_lists_answer_any_query(admin_client, populated, bad):  # noqa: F811
    """The lists an autocomplete field asks for (``/admin/autocomplete/``) answer a term or
    page that names nothing with an empty list or a refusal, never a server error."""
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.get_autocomplete_fields(None):
            params = {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": name}
            for extra in ({"term": bad}, {"page": bad}, {"term": "a", "page": bad}):
                response = admin_client.get("/admin/autocomplete/", params | extra)
                assert response.status_code in (200, 400, 403, 404), (model, name, extra)


def test_expired_login_attempts_are_cleaned_up_from_the_admin(admin_client):
    """django-axes' own action read an attribute set only on a login, and answered every
    admin with a server error."""
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    empty = dict.fromkeys(["user_agent", "get_data", "post_data", "http_accept"], "")
    old = AccessAttempt.objects.create(
        username="noen", ip_address="192.0.2.1", failures_since_start=3, path_info="/", **empty
    )
    AccessAttempt.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - timedelta(days=2))
    response = admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "cleanup_expired_attempts", "_selected_action": [old.pk], "index": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 utløpt" in response.content.decode()  # the admin speaks bokmål
    assert not AccessAttempt.objects.filter(pk=old.pk).exists()


def _history_models():
    from simple_history.admin import SimpleHistoryAdmin

    return [model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, SimpleHistoryAdmin)]


@pytest.mark.parametrize("model", _history_models(), ids=lambda m: m.__name__)
def test_a_history_page_with_an_id_that_is_no_id_is_not_found(admin_client, populated, model):  # noqa: F811
    """``/admin/surveys/questionset/1/history/abc/`` queried ``history_id='abc'`` (a 500)."""
    opts = model._meta
    base = f"/admin/{opts.app_label}/{opts.model_name}/"
    obj = model.objects.first()
    key = obj.pk if obj is not None else 1
    for path in ("abc/history/", "1.5/history/", f"{key}/history/abc/", f"{key}/history/1.5/",
                 f"{key}/history/99999999999999999999999/", "abc/history/1/"):  # fmt: skip
        assert admin_client.get(base + path).status_code == 404, path
    if obj is not None:
        assert admin_client.get(f"{base}{key}/history/").status_code == 200
