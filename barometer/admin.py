from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from barometer.models import Indicator, ReferenceFigure, StaffMembership
from surveys.admin_keys import StoredKeyMultipleChoiceField, StoredKeysAdminMixin
from surveys.characters import AllowedCharactersAdminMixin
from surveys.models import Option, Question, WorkplaceType


class ReferenceFigureForm(forms.ModelForm):
    """Workplace types are ticked in a list of their names, not typed as internal codes."""

    workplace_types = forms.MultipleChoiceField(
        label=_("workplace types"),
        choices=WorkplaceType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick none when the figure covers all workplace types."),
    )

    class Meta:
        model = ReferenceFigure
        fields = ["workplace_types"]  # the admin adds the fields of its fieldsets

    def clean_workplace_types(self) -> list[str]:
        # Stored in the order of WorkplaceType, whatever order the boxes were ticked in.
        chosen = set(self.cleaned_data["workplace_types"])
        return [code for code in WorkplaceType.values if code in chosen]


@admin.register(ReferenceFigure)
class ReferenceFigureAdmin(StoredKeysAdminMixin, AllowedCharactersAdminMixin, SimpleHistoryAdmin):
    form = ReferenceFigureForm
    # A source address typed without a scheme is read as https (Django 6's default, and
    # every source the barometer cites is served over https).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["key", "edition", "statement_nb", "wording_nb", "range_low", "range_high", "population"]
    list_filter = ["edition", "country", "population", "bound", "same_measure"]
    search_fields = ["key", "statement_nb", "statement_nn", "statement_en", "source_title"]
    # Derived from the bokmål wording on every save (see barometer.engine.published).
    readonly_fields = ["range_low", "range_high"]
    fieldsets = [
        (None, {"fields": ["key", "edition", "country", "population", "workplace_types", "same_measure"]}),
        (
            _("Value"),
            {"fields": ["value", "bound", "wording_nb", "wording_nn", "wording_en", "range_low", "range_high"]},
        ),
        (_("Statement"), {"fields": ["statement_nb", "statement_nn", "statement_en"]}),
        (_("Source"), {"fields": ["source_title", "source_url", "note_nb", "note_nn", "note_en"]}),
    ]


def _with_current(choices: dict[str, str], current) -> list[tuple[str, str]]:
    """``choices`` as a choice list, plus any stored code that no question set has any more
    (so that saving the form never drops it silently)."""
    for code in current or []:
        choices.setdefault(code, code)
    return list(choices.items())


class IndicatorForm(forms.ModelForm):
    """Questions and options are chosen from the lists of those in the question sets, by code
    and text, instead of typed as internal codes; an option must belong to a chosen question."""

    question_codes = forms.MultipleChoiceField(
        label=_("question codes"),
        widget=FilteredSelectMultiple(_("questions"), is_stacked=False),
        help_text=_("The questions the indicator counts."),
    )
    option_codes = forms.MultipleChoiceField(
        label=_("option codes"),
        widget=FilteredSelectMultiple(_("options"), is_stacked=False),
        required=False,
        help_text=_("Share: the options that count. Empty for means."),
    )

    class Meta:
        model = Indicator
        fields = ["question_codes", "option_codes"]  # the admin adds the fields of its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        questions: dict[str, str] = {}
        # The newest version's text first, in questionnaire order.
        for code, text in Question.objects.order_by(
            "-question_set__version", "section__position", "position"
        ).values_list("code", "text_nb"):
            questions.setdefault(code, f"{code}: {text}")
        options: dict[str, str] = {}
        for code, label in Option.objects.order_by("-question__question_set__version", "code").values_list(
            "code", "label_nb"
        ):
            options.setdefault(code, f"{code}: {label}")
        self.fields["question_codes"].choices = _with_current(questions, self.initial.get("question_codes"))
        self.fields["option_codes"].choices = _with_current(
            dict(sorted(options.items())), self.initial.get("option_codes")
        )

    def clean(self):
        cleaned = super().clean()
        questions, chosen = cleaned.get("question_codes") or [], cleaned.get("option_codes") or []
        if questions and chosen:
            belonging = set(Option.objects.filter(question__code__in=questions).values_list("code", flat=True))
            stray = [code for code in chosen if code not in belonging]
            if stray:
                self.add_error(
                    "option_codes",
                    _("Not an option of the chosen questions: %(codes)s") % {"codes": ", ".join(stray)},
                )
        return cleaned


@admin.register(Indicator)
class IndicatorAdmin(StoredKeysAdminMixin, AllowedCharactersAdminMixin, SimpleHistoryAdmin):
    form = IndicatorForm
    list_display = ["key", "name_nb", "rule", "population", "position", "active", "headline"]
    list_filter = ["rule", "population", "active"]
    list_editable = ["position", "active", "headline"]
    search_fields = ["key", "name_nb", "name_nn", "name_en"]
    filter_horizontal = ["reference_figures"]
    fieldsets = [
        (None, {"fields": ["key", "position", "active", "headline", "rule", "population"]}),
        (_("Rule"), {"fields": ["question_codes", "option_codes", "min_count", "higher_is_favourable"]}),
        (
            _("Texts"),
            {
                "fields": [
                    "name_nb",
                    "name_nn",
                    "name_en",
                    "own_yes_nb",
                    "own_yes_nn",
                    "own_yes_en",
                    "own_no_nb",
                    "own_no_nn",
                    "own_no_en",
                    "share_clause_nb",
                    "share_clause_nn",
                    "share_clause_en",
                    "suggestion_nb",
                    "suggestion_nn",
                    "suggestion_en",
                ]
            },
        ),
        (_("Comparison"), {"fields": ["reference_figures"]}),
    ]

    #: What a share counts; its words (``share_clause_*``) were written for them.
    DEFINITION = ("question_codes", "option_codes", "min_count", "population", "rule")
    WORDS = ("share_clause_nb", "share_clause_nn", "share_clause_en")

    def save_model(self, request, obj, form, change):
        """Saves, and warns when a share now counts something else but kept the words
        written for what it counted (a report would say them of the new count)."""
        super().save_model(request, obj, form, change)
        changed = set(form.changed_data)
        has_words = any(getattr(obj, name) for name in self.WORDS)
        if change and obj.is_share and changed & set(self.DEFINITION) and not changed & set(self.WORDS) and has_words:
            messages.warning(
                request,
                _(
                    "The indicator now counts something else, but what the share counts is worded as before: "
                    "check those words in every language, or empty them to have the reports name the indicator."
                ),
            )


@admin.register(StaffMembership)
class StaffMembershipAdmin(StoredKeysAdminMixin, AllowedCharactersAdminMixin, admin.ModelAdmin):
    list_display = ["user", "municipality"]
    search_fields = ["user__username", "municipality__name"]
    autocomplete_fields = ["municipality"]
    list_select_related = ["user", "municipality"]


# --- Users and groups: permission names in the admin's language ----------------------------

#: Django stores the names of its default permissions in English ("Can add round"), and no
#: catalogue translates a stored name; these say the same in the active language.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission) -> str:
    """ "<app> | <model> | <what it allows>" in the active language: a default permission by
    its action and the model's verbose name, one of our own by its (translated) name."""
    from django.utils.translation import gettext

    model = permission.content_type.model_class()
    action, _separator, model_name = permission.codename.partition("_")
    if model is not None and action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        name = PERMISSION_ACTIONS[action] % {"model": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{permission.content_type} | {name}"


class TranslatedPermissionsField(StoredKeyMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return permission_label(obj)


class TranslatedPermissionsMixin:
    """User and group admin whose permission lists read in the admin's language."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = TranslatedPermissionsField
            kwargs["queryset"] = db_field.remote_field.model.objects.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _register_translated_auth_admin() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.admin import GroupAdmin, UserAdmin
    from django.contrib.auth.models import Group

    user_model = get_user_model()
    for model, base in ((user_model, UserAdmin), (Group, GroupAdmin)):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, type(base.__name__, (TranslatedPermissionsMixin, base), {}))


class AxesRequestMixin:
    """For django-axes' admin of access attempts: its action "Clean up expired attempts"
    reads the moment of the request from an attribute that axes sets only on a login
    (``request.axes_attempt_time``), so in the admin it ended in a server error. The
    request gets axes' attributes first, as a login's has them."""

    @admin.action(description=_("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):
        from axes.handlers.proxy import AxesProxyHandler

        AxesProxyHandler.update_request(request)
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request,
            ngettext("Cleaned up %(count)d expired access attempt.", "Cleaned up %(count)d expired access attempts.",
                     count) % {"count": count},
        )  # fmt: skip


def _check_keys_in_library_admin() -> None:
    """Every other app's admin (users and groups, django-axes' login records) checks the
    keys it is posted, as the project's own do (:class:`surveys.admin_keys.
    StoredKeysAdminMixin`). Runs after the other apps' admin modules: ``barometer`` is the
    last installed app."""
    from axes.models import AccessAttempt

    for model, model_admin in list(admin.site._registry.items()):
        if isinstance(model_admin, StoredKeysAdminMixin):
            continue
        base = type(model_admin)
        mixins = (StoredKeysAdminMixin, AxesRequestMixin) if model is AccessAttempt else (StoredKeysAdminMixin,)
        admin.site.unregister(model)
        admin.site.register(model, type(base.__name__, (*mixins, base), {}))


_register_translated_auth_admin()
_check_keys_in_library_admin()
