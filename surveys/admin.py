from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import flatten_fieldsets
from django.core.validators import MinValueValidator
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from .admin_keys import StoredKeysAdminMixin
from .characters import AllowedCharactersAdminMixin
from .dates import deadline, exact_time, shifted
from .models import (
    Answer,
    AnswerChoice,
    County,
    ImportedFile,
    Invitation,
    Municipality,
    Option,
    PopulationCell,
    PublishedStructureError,
    Question,
    QuestionSet,
    QuestionSetStatus,
    Region,
    ReminderLog,
    Response,
    Round,
    Section,
    WordingChange,
    Workplace,
)
from .models.rounds import PUBLISHED_POPULATION_MESSAGE
from .services.questionsets import (
    PublishRefused,
    QuestionSetFileError,
    describe_place,
    export_questionset_data,
    new_version,
    previous_version,
    publish,
    set_name,
    structure_diff,
)
from .services.retention import delete_answers, delete_responses, delete_workplace_responses


def _is_locked(obj) -> bool:
    """Whether ``obj`` (a set or a part of one) belongs to a published or retired set."""
    return obj is not None and obj.pk is not None and obj.stored_set_status() != QuestionSetStatus.DRAFT


def protected_structure_response(request, model_admin, obj=None, reason=None) -> TemplateResponse:
    """The admin page (status 403) that explains why a published structure cannot be changed
    and what to do instead (copy the set to a new draft version)."""
    opts = model_admin.model._meta
    question_set = None
    if obj is not None:
        question_set = obj if isinstance(obj, QuestionSet) else obj.owning_set()
    return TemplateResponse(
        request,
        "admin/surveys/protected_structure.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": opts,
            "object": obj,
            "question_set": question_set,
            "reason": reason or PublishedStructureError().messages[0],
            "title": _("This change is not possible"),
        },
        status=403,
    )


#: Django 5.2's change form asks for this in the plural, and its own bokmål and nynorsk
#: catalogues hold only the older singular entries, so a form with an error was headed in
#: English ("Please correct the error below."). Marked here, so our catalogues carry it.
FORM_ERRORS_HEADING = ngettext_lazy("Please correct the error below.", "Please correct the errors below.", "count")


class GuardedDeleteSelectedMixin:
    """Django's "delete selected" action, asked first whether the chosen rows may go:
    :meth:`delete_selected_refusal` returns None to let them, a response to answer with
    instead, or a message to show on the list (nothing is deleted either way)."""

    def delete_selected_refusal(self, request, queryset):
        return None

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (GuardedDeleteSelectedMixin._guarded_delete_selected, name, description)
        return actions

    @staticmethod
    def _guarded_delete_selected(modeladmin, request, queryset):
        refusal = modeladmin.delete_selected_refusal(request, queryset)
        if refusal is None:
            return delete_selected(modeladmin, request, queryset)
        if isinstance(refusal, HttpResponse):
            return refusal
        modeladmin.message_user(request, refusal, messages.ERROR)
        return None


class StructureLockMixin(GuardedDeleteSelectedMixin):
    """In a published set only texts are editable, and nothing can be deleted.

    An attempt to change the structure anyway (a delete link opened by its address, "delete
    selected" over published parts, reverting to an older version) gets a page in the
    admin's look that gives the reason, not a bare "403 Forbidden" or an error.
    """

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, admin.utils.unquote(object_id))
        if _is_locked(obj):
            return protected_structure_response(request, self, obj)
        try:
            return super().delete_view(request, object_id, extra_context)
        except PublishedStructureError as exc:
            return protected_structure_response(request, self, obj, exc.messages[0])

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PublishedStructureError as exc:
            obj = self.get_object(request, admin.utils.unquote(object_id)) if object_id else None
            return protected_structure_response(request, self, obj, exc.messages[0])

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        except PublishedStructureError as exc:
            obj = self.get_object(request, admin.utils.unquote(object_id))
            return protected_structure_response(request, self, obj, exc.messages[0])

    def delete_selected_refusal(self, request, queryset):
        """The page that gives the reason when a selected object belongs to a published or
        retired set."""
        locked = queryset.exclude(**{self.model.status_lookup: QuestionSetStatus.DRAFT}).first()
        return protected_structure_response(request, self, locked) if locked is not None else None

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if _is_locked(obj):
            readonly += [f.name for f in self.model.structural_fields()]
            if hasattr(self.model, "show_if_options"):
                readonly += ["show_if_mode", "show_if_options"]
        return readonly

    def has_delete_permission(self, request, obj=None):
        return not _is_locked(obj) and super().has_delete_permission(request, obj)


class ConditionOptionsForm(forms.ModelForm):
    """A section's or question's form: its display condition may use only options of its own
    question set (``ConditionOptionsAdminMixin``)."""

    def clean(self):
        cleaned = super().clean()
        options = cleaned.get("show_if_options")
        section, question_set = cleaned.get("section"), cleaned.get("question_set")
        if section is not None:
            set_id = section.question_set_id
        elif question_set is not None:
            set_id = question_set.pk
        else:  # the set is read-only here (a published part), or not chosen yet
            set_id = self.instance.question_set_id
        foreign = [option for option in options or [] if option.question.question_set_id != set_id]
        if foreign and set_id is not None:
            self.add_error(
                "show_if_options",
                _("Choose options of this question set only: %(options)s belong to another one (%(other)s).")
                % {
                    "options": ", ".join(str(option) for option in foreign),
                    "other": ", ".join(sorted({set_name(option.question.question_set) for option in foreign})),
                },
            )
        return cleaned


class ConditionOptionsAdminMixin:
    """A section's or question's display condition offers only the options of its own
    question set, and refuses any other (``ConditionOptionsForm``).

    The picker listed the options of every set, each version's under the same name
    ("inc_services.yes" twice), so an admin could give a draft's question a condition on
    the previous version's option: no respondent of the draft could ever choose it, and the
    question would never be shown. A new section or question, whose set is not known until
    it is saved, lists them all."""

    form = ConditionOptionsForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("show_if_options")
        if field is not None:
            options = field.queryset.select_related("question__question_set")
            if obj is not None and obj.question_set_id:
                options = options.filter(question__question_set=obj.question_set_id)
            field.queryset = options
        return form


class LockedInlineMixin:
    """Inline parts of a published set: texts editable, nothing added or removed."""

    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return not _is_locked(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_locked(obj) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if _is_locked(obj):
            structural = {f.name for f in self.model.structural_fields()}
            readonly += [name for name in flatten_fieldsets(self.get_fieldsets(request, obj)) if name in structural]
        return readonly


class SectionInline(StoredKeysAdminMixin, AllowedCharactersAdminMixin, LockedInlineMixin, admin.TabularInline):
    model = Section
    fields = ["position", "code", "title_nb", "title_nn", "title_en"]


class QuestionInline(StoredKeysAdminMixin, AllowedCharactersAdminMixin, LockedInlineMixin, admin.StackedInline):
    model = Question
    fields = [
        ("position", "code", "kind", "required"),
        ("max_choices", "min_value", "max_value", "max_length"),
        "text_nb",
        "text_nn",
        "text_en",
    ]


class OptionInline(StoredKeysAdminMixin, AllowedCharactersAdminMixin, LockedInlineMixin, admin.TabularInline):
    model = Option
    fields = ["position", "code", "label_nb", "label_nn", "label_en", "score", "exclusive"]


@admin.register(QuestionSet)
class QuestionSetAdmin(StoredKeysAdminMixin, AllowedCharactersAdminMixin, StructureLockMixin, SimpleHistoryAdmin):
    list_display = ["slug", "version", "status", "title_nb", "published_at", "section_count"]
    list_filter = ["status", "slug"]
    search_fields = ["slug", "title_nb", "title_nn", "title_en"]
    readonly_fields = ["status", "created_at", "published_at", "changes_since_previous"]
    fields = [
        "slug",
        "version",
        "status",
        "title_nb",
        "title_nn",
        "title_en",
        "intro_nb",
        "intro_nn",
        "intro_en",
        "created_at",
        "published_at",
        "changes_since_previous",
    ]
    inlines = [SectionInline]
    actions = ["make_new_version", "publish_sets", "retire_sets"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(section_total=Count("sections"))

    @admin.display(description=_("sections"), ordering="section_total")
    def section_count(self, obj):
        return obj.section_total

    @admin.display(description=_("changes since the previous version"))
    def changes_since_previous(self, obj):
        """The structure changes against the previous published version (texts excluded)."""
        if obj is None or obj.pk is None:
            return "-"
        previous = previous_version(obj)
        if previous is None:
            return _("This is the first published version.")
        changes = structure_diff(export_questionset_data(previous), export_questionset_data(obj))
        if not changes:
            return format_html(
                "{}",
                _("No question, option or condition changed since version %(version)d.")
                % {"version": previous.version},
            )
        templates = {
            "question_added": _("Question %(new)s added"),
            "question_removed": _("Question %(old)s removed"),
            "question_renamed": _("Question %(old)s renamed to %(new)s"),
            "option_added": _("Question %(question)s: option %(new)s added"),
            "option_removed": _("Question %(question)s: option %(old)s removed"),
            "option_renamed": _("Question %(question)s: option %(old)s renamed to %(new)s"),
            "condition_changed": _("Question %(question)s: display condition changed from “%(old)s” to “%(new)s”"),
            "section_condition_changed": _(
                "Section %(question)s: display condition changed from “%(old)s” to “%(new)s”"
            ),
        }
        items = format_html_join(
            "",
            "<li>{}</li>",
            (
                (templates[c.kind] % {"question": c.question, "old": c.old or "-", "new": c.new or "-"},)
                for c in changes
            ),
        )
        heading = _("Against version %(version)d:") % {"version": previous.version}
        return format_html("<p>{}</p><ul class='structure-changes'>{}</ul>", heading, items)

    @admin.action(description=_("Copy to a new draft version"))
    def make_new_version(self, request, queryset):
        for question_set in queryset:
            try:
                copy = new_version(question_set)
            except QuestionSetFileError as refused:  # no version after it can be stored, say
                # In the admin's language and words, not the import command's file paths.
                reasons = [f"{describe_place(place, {})}: {reason}" for place, reason in refused.problems]
                self._refused(request, _("%(set)s was not copied:") % {"set": question_set}, reasons or refused.errors)
                continue
            self.message_user(
                request,
                format_html(
                    _("{} was copied to <a href='{}'>{}</a>."),
                    question_set,
                    reverse("admin:surveys_questionset_change", args=[copy.pk]),
                    copy,
                ),
                messages.SUCCESS,
            )

    @admin.action(description=_("Publish (freezes the structure)"))
    def publish_sets(self, request, queryset):
        """Publish the chosen drafts. Each refused one gets an error with its reasons; the
        count of those published is said only when there are any, and a choice without a
        draft is told so rather than "0 published"."""
        drafts, refusals = [], 0
        for question_set in queryset.filter(status=QuestionSetStatus.DRAFT):
            try:
                publish(question_set)
            except PublishRefused as refused:
                refusals += 1
                self._refused(request, _("%(set)s was not published:") % {"set": question_set}, refused.errors)
            else:
                drafts.append(question_set)
        if drafts:
            self.message_user(
                request,
                ngettext("%(count)d question set published.", "%(count)d question sets published.", len(drafts))
                % {"count": len(drafts)},
                messages.SUCCESS,
            )
        elif not refusals:
            self.message_user(request, _("Nothing was published: none of the chosen question sets is a draft."),
                              messages.WARNING)  # fmt: skip

    def _refused(self, request, lead: str, errors: list[str]) -> None:
        """An error message: ``lead``, then each reason as an item of a list."""
        self.message_user(
            request,
            format_html(
                '{}<ul class="message-reasons">{}</ul>',
                lead,
                format_html_join("", "<li>{}</li>", ((error,) for error in errors)),
            ),
            messages.ERROR,
        )

    @admin.action(description=_("Retire (no new rounds; answers stay readable)"))
    def retire_sets(self, request, queryset):
        published = list(queryset.filter(status=QuestionSetStatus.PUBLISHED))
        for question_set in published:
            question_set.status = QuestionSetStatus.RETIRED
            question_set.save()
        if not published:
            self.message_user(request, _("Nothing was retired: none of the chosen question sets is published."),
                              messages.WARNING)  # fmt: skip
            return
        self.message_user(
            request,
            ngettext("%(count)d question set retired.", "%(count)d question sets retired.", len(published))
            % {"count": len(published)},
            messages.SUCCESS,
        )


@admin.register(Section)
class SectionAdmin(
    ConditionOptionsAdminMixin,
    StoredKeysAdminMixin,
    AllowedCharactersAdminMixin,
    StructureLockMixin,
    SimpleHistoryAdmin,
):
    list_display = ["code", "title_nb", "question_set", "position"]
    list_filter = ["question_set"]
    search_fields = ["code", "title_nb"]
    fields = [
        "question_set",
        "position",
        "code",
        "title_nb",
        "title_nn",
        "title_en",
        "intro_nb",
        "intro_nn",
        "intro_en",
        "show_if_mode",
        "show_if_options",
    ]
    filter_horizontal = ["show_if_options"]
    inlines = [QuestionInline]
    list_select_related = ["question_set"]


@admin.register(Question)
class QuestionAdmin(
    ConditionOptionsAdminMixin,
    StoredKeysAdminMixin,
    AllowedCharactersAdminMixin,
    StructureLockMixin,
    SimpleHistoryAdmin,
):
    list_display = ["code", "text_nb", "kind", "required", "section", "question_set"]
    list_filter = ["question_set", "kind", "required"]
    search_fields = ["code", "text_nb", "text_nn", "text_en"]
    fields = [
        "section",
        "position",
        "code",
        "kind",
        "required",
        "max_choices",
        "min_value",
        "max_value",
        "max_length",
        "text_nb",
        "text_nn",
        "text_en",
        "help_nb",
        "help_nn",
        "help_en",
        "show_if_mode",
        "show_if_options",
    ]
    filter_horizontal = ["show_if_options"]
    inlines = [OptionInline]
    list_select_related = ["section", "question_set"]


@admin.register(Option)
class OptionAdmin(StoredKeysAdminMixin, AllowedCharactersAdminMixin, StructureLockMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "label_nb", "score", "exclusive"]
    list_filter = ["question__question_set", "exclusive"]
    search_fields = ["code", "label_nb", "question__code"]
    list_select_related = ["question"]


@admin.register(WordingChange)
class WordingChangeAdmin(StoredKeysAdminMixin, AllowedCharactersAdminMixin, admin.ModelAdmin):
    """The audit trail of text corrections in published sets: read only, so no add, change
    or delete (and hence no "delete selected")."""

    list_display = ["changed_at", "question_set", "object_type", "object_label", "field"]
    list_filter = ["question_set"]
    search_fields = ["object_label", "old_text", "new_text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(StoredKeysAdminMixin, AllowedCharactersAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "position"]


@admin.register(County)
class CountyAdmin(StoredKeysAdminMixin, AllowedCharactersAdminMixin, admin.ModelAdmin):
    list_display = ["number", "name", "region"]
    list_filter = ["region"]
    search_fields = ["number", "name"]


@admin.register(Municipality)
class MunicipalityAdmin(StoredKeysAdminMixin, AllowedCharactersAdminMixin, admin.ModelAdmin):
    list_display = ["number", "name", "county", "population", "size_class", "centrality", "is_sample"]
    list_filter = ["county", "size_class", "centrality", "is_sample"]
    search_fields = ["number", "name"]
    readonly_fields = ["size_class"]
    list_select_related = ["county"]


@admin.register(Workplace)
class WorkplaceAdmin(StoredKeysAdminMixin, AllowedCharactersAdminMixin, admin.ModelAdmin):
    actions = ["delete_responses"]
    list_display = ["name", "organisation_number", "workplace_type", "municipality", "employees", "is_synthetic"]
    list_filter = ["workplace_type", "municipality__county", "is_synthetic"]
    search_fields = ["name", "organisation_number", "external_id", "municipality__name"]
    autocomplete_fields = ["municipality"]
    list_select_related = ["municipality"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """The number of employees is 1 or more, as every import and the self-test's form
        require (the column itself also holds 0)."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "employees":
            field.validators.append(
                MinValueValidator(1, message=_("Write the number of employees as a whole number, 1 or more."))
            )
        return field

    @admin.action(description=_("Delete the workplaces' responses (on their request)"), permissions=["delete"])
    def delete_responses(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/surveys/workplace/delete_responses.html",
                {
                    **self.admin_site.each_context(request),
                    "workplaces": queryset,
                    "responses": Response.objects.filter(workplace__in=queryset).count(),
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                    "opts": self.model._meta,
                    "title": _("Delete responses"),
                },
            )
        deleted = 0
        for workplace in queryset:
            deleted += delete_workplace_responses(workplace)
            self.log_change(request, workplace, _("Deleted the workplace's responses on its request."))
        self.message_user(
            request,
            ngettext("%(count)d response deleted.", "%(count)d responses deleted.", deleted) % {"count": deleted},
            messages.SUCCESS,
        )
        return None


@admin.register(Round)
class RoundAdmin(StoredKeysAdminMixin, AllowedCharactersAdminMixin, admin.ModelAdmin):
    actions = ["extend_by_a_week"]
    list_display = ["name", "slug", "kind", "question_set", "opens_at", "closes_at", "answers_taken", "is_synthetic"]
    readonly_fields = ["answers_taken"]
    list_filter = ["kind", "is_synthetic"]
    search_fields = ["name", "name_nn", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["question_set"]

    @admin.display(description=_("answers taken"))
    def answers_taken(self, obj):
        """What the closing time means to respondents, in Norwegian time (see ``surveys.dates``)."""
        if obj is None or obj.closes_at is None:
            return "-"
        return _("Opens %(opens)s; answers are taken %(deadline)s (Norwegian time).") % {
            "opens": exact_time(obj.opens_at),
            "deadline": deadline(obj.closes_at),
        }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "closes_at" and field is not None:
            field.help_text = _(
                "Norwegian time. The round closes at this moment: 00:00 on 15 December means that "
                "14 December is the last day answers are taken."
            )
        return field

    @admin.action(description=_("Extend by one week"), permissions=["change"])
    def extend_by_a_week(self, request, queryset):
        published = [round_ for round_ in queryset if round_.results_published]
        if published:
            self.message_user(
                request,
                _("Not extended: the results of %(rounds)s are published, so their answers can no longer change.")
                % {"rounds": ", ".join(str(round_) for round_ in published)},
                messages.ERROR,
            )
            return
        now = timezone.now()
        extended = {round_: shifted(max(round_.closes_at, now), timedelta(days=7)) for round_ in queryset}
        beyond = [round_ for round_, closes_at in extended.items() if closes_at is None]
        if beyond:
            # A week after 24 December 9999 is past the last date a date can hold.
            self.message_user(
                request,
                _(
                    "Not extended: %(rounds)s would close after 31 December 9999, the last date that can be "
                    "stored. No round was changed."
                )
                % {"rounds": ", ".join(str(round_) for round_ in beyond)},
                messages.ERROR,
            )
            return
        with transaction.atomic():
            for round_, closes_at in extended.items():
                round_.closes_at = closes_at
                round_.save(update_fields=["closes_at"])
                self.log_change(request, round_, _("Extended by one week."))
        self.message_user(request, _("The rounds now close a week later."), messages.SUCCESS)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "question_set":
            kwargs["queryset"] = QuestionSet.objects.exclude(status=QuestionSetStatus.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Invitation)
class InvitationAdmin(StoredKeysAdminMixin, AllowedCharactersAdminMixin, admin.ModelAdmin):
    list_display = ["workplace", "round", "email", "sent_at", "reminder_count"]
    list_filter = ["round", "workplace__workplace_type"]
    search_fields = ["workplace__name", "email"]
    autocomplete_fields = ["workplace"]
    #: Kept by the system: the link, and what send_invitations and send_reminders did
    #: (``sent_at`` says the invitation went out, so it is not sent again and may be
    #: reminded; ``reminder_count`` and ``last_reminded_at`` follow the reminder log).
    readonly_fields = ["token", "created_at", "sent_at", "last_reminded_at", "reminder_count"]
    list_select_related = ["workplace", "round"]

    def get_readonly_fields(self, request, obj=None):
        """An invitation's round and workplace are chosen when it is added: its response,
        link and reminders belong to them, so moving it to another would mix them up."""
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if obj is None else ["round", "workplace", *readonly]


class ViewOnlyDeletableMixin:
    """For admins whose rows are read but never changed, though they may be deleted:
    after deleting one from its own page, go back to the list it was chosen from, not to
    the admin's front page (Django sends a user without the change permission there)."""

    def response_delete(self, request, obj_display, obj_id):
        response = super().response_delete(request, obj_display, obj_id)
        if self.has_change_permission(request) or not self.has_view_permission(request):
            return response
        opts = self.model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist", current_app=self.admin_site.name)
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": opts}
        return HttpResponseRedirect(add_preserved_filters(preserved, changelist))


class AnswerChoiceInline(StoredKeysAdminMixin, admin.TabularInline):
    model = AnswerChoice
    fields = ["option"]
    readonly_fields = ["option"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Answer)
class AnswerAdmin(ViewOnlyDeletableMixin, StoredKeysAdminMixin, AllowedCharactersAdminMixin, admin.ModelAdmin):
    list_display = ["response", "question", "number_value", "text_value"]
    list_filter = ["question__question_set", "question__section"]
    search_fields = ["question__code"]
    readonly_fields = ["response", "question", "number_value", "text_value", "updated_at"]
    inlines = [AnswerChoiceInline]
    list_select_related = ["response__workplace", "response__round", "question"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        """Through ``delete_answers``: the response's option masks and its round's figures
        follow."""
        delete_answers(Answer.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        delete_answers(queryset)


@admin.register(PopulationCell)
class PopulationCellAdmin(
    StoredKeysAdminMixin, AllowedCharactersAdminMixin, GuardedDeleteSelectedMixin, admin.ModelAdmin
):
    """A round's population cells. Once the round's results are published they are read
    only: the published weights were computed from them, and ``load_population`` refuses
    to replace them too. A new cell for such a round is refused by
    :meth:`PopulationCell.clean`."""

    list_display = ["round", "workplace_type", "region", "workplaces"]
    list_filter = ["round", "region", "workplace_type"]
    list_select_related = ["round", "region"]

    @staticmethod
    def _published(obj) -> bool:
        return obj is not None and obj.round.results_published

    def has_change_permission(self, request, obj=None):
        return not self._published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._published(obj) and super().has_delete_permission(request, obj)

    def delete_selected_refusal(self, request, queryset):
        """The reason, when a selected cell belongs to a round with published results."""
        if queryset.filter(round__results_published_at__isnull=False).exists():
            return PUBLISHED_POPULATION_MESSAGE
        return None


@admin.register(ReminderLog)
class ReminderLogAdmin(ViewOnlyDeletableMixin, StoredKeysAdminMixin, AllowedCharactersAdminMixin, admin.ModelAdmin):
    list_display = ["sent_at", "invitation", "group"]
    list_filter = ["invitation__round"]
    search_fields = ["invitation__workplace__name"]
    list_select_related = ["invitation__workplace", "invitation__round"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportedFile)
class ImportedFileAdmin(ViewOnlyDeletableMixin, StoredKeysAdminMixin, AllowedCharactersAdminMixin, admin.ModelAdmin):
    """The files the import commands loaded; a record, so nobody edits it."""

    list_display = ["imported_at", "kind", "round", "file_name", "rows", "imported_by", "digest"]
    list_filter = ["kind", "round"]
    search_fields = ["file_name", "digest"]
    list_select_related = ["round"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(StoredKeysAdminMixin, AllowedCharactersAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "round", "status", "language", "workplace_type", "municipality", "submitted_at"]
    list_filter = ["round", "status", "language", "workplace_type"]
    search_fields = ["workplace__name", "municipality__name", "source_id"]
    date_hierarchy = "started_at"
    list_select_related = ["workplace", "round", "municipality"]
    readonly_fields = [
        "round",
        "question_set",
        "invitation",
        "workplace",
        "token",
        "workplace_type",
        "municipality",
        "employees",
        "status",
        "language",
        "started_at",
        "updated_at",
        "submitted_at",
        "source_id",
    ]

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        """Through ``delete_responses``: the round's cached figures follow."""
        delete_responses(Response.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        delete_responses(queryset)


admin.site.site_header = _("Innovasjonsbarometeret: administration")
admin.site.site_title = _("The Innovation Barometer")
