"""Keys of rows that an admin page receives, checked before they reach the database.

The admin names rows by their keys in what a browser posts: the row chosen in a select or
an autocomplete field, the rows moved into a "filter_horizontal" list, the rows ticked for
an action. Django passes such a key to a query as it came; a key that cannot be one (text
where the key is a number, a number beyond what the column holds, a NUL, which PostgreSQL
refuses in any string) makes the query itself fail, and the page answers with a server
error instead of the form's or the list's message (found by a tester on every kind of
field: ``Workplace.municipality``, ``Question.show_if_options``, a changelist's action
with ``_selected_action=abc``).

:func:`stored_key` is the check; :class:`StoredKeysAdminMixin` applies it to every such
field of a ModelAdmin and to its actions, and :class:`StoredKeyChoiceField` and
:class:`StoredKeyMultipleChoiceField` are the form fields for a form that declares its
own choice of rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .columns import stored_range


def stored_key(field: models.Field, value):
    """The value of the key column ``field`` (a primary key, or the field a relation
    points to) that ``value`` (text as posted, or a value) stands for.

    Raises ``ValidationError`` for a value the column cannot hold, so that no query is
    made with it: empty, not a whole number for an integer key ("abc", "1.5"), outside
    the column's range on PostgreSQL (:func:`surveys.columns.stored_range`), or text with
    a NUL character."""
    if value is None or "\x00" in str(value):
        raise ValidationError("not a key", code="invalid_key")
    key = field.to_python(value)
    if key is None or key == "":
        raise ValidationError("not a key", code="invalid_key")
    if isinstance(field, models.IntegerField):  # AutoField and BigAutoField included
        low, high = stored_range(field)
        if not low <= key <= high:
            raise ValidationError("not a key", code="invalid_key")
    return key


def is_stored_key(field: models.Field, value) -> bool:
    """Whether ``value`` can be a key of the column ``field`` (see :func:`stored_key`)."""
    try:
        stored_key(field, value)
    except ValidationError:
        return False
    return True


def _key_field(queryset, to_field_name: str | None) -> models.Field:
    opts = queryset.model._meta
    return opts.get_field(to_field_name) if to_field_name else opts.pk


class StoredKeyChoiceField(forms.ModelChoiceField):
    """A :class:`~django.forms.ModelChoiceField` that refuses, with its usual "Select a
    valid choice" message, a key the column cannot hold before it queries."""

    def to_python(self, value):
        if value not in self.empty_values and not is_stored_key(_key_field(self.queryset, self.to_field_name), value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class StoredKeyMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A :class:`~django.forms.ModelMultipleChoiceField` that refuses, with its usual
    message naming the key, a key the column cannot hold before it queries."""

    def _check_values(self, value):
        field = _key_field(self.queryset, self.to_field_name)
        for key in value:
            if not is_stored_key(field, key):
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                      params={"pk": key})  # fmt: skip
        return super()._check_values(value)


class _StoredKeysAutocomplete:
    """An autocomplete widget that shows the chosen rows of a refused form without
    querying keys the column cannot hold (Django looks them up to show their names)."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        field = opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)
        return super().optgroups(name, [key for key in value if is_stored_key(field, key)], attr)


class StoredKeysAutocompleteSelect(_StoredKeysAutocomplete, AutocompleteSelect):
    """Django's autocomplete select, for one row (see :class:`_StoredKeysAutocomplete`)."""


class StoredKeysAutocompleteSelectMultiple(_StoredKeysAutocomplete, AutocompleteSelectMultiple):
    """Django's autocomplete select, for several rows (see :class:`_StoredKeysAutocomplete`)."""


#: What an admin reads when the rows ticked for an action name none that can exist.
UNKNOWN_SELECTION_MESSAGE = _(
    "The selection names rows that do not exist, so nothing was changed. The list may have changed since it "
    "was shown: choose the rows again."
)


class StoredKeysAdminMixin:
    """For a ModelAdmin: every choice of other rows in its forms (select, autocomplete,
    list) and the rows ticked for an action are checked with :func:`stored_key` before
    any query. A form names the refused choice; an action is not run, and the list says
    why (:data:`UNKNOWN_SELECTION_MESSAGE`)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = StoredKeysAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", StoredKeyChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = StoredKeysAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", StoredKeyMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _stored_key_or_404(self, field: models.Field, value) -> None:
        if not is_stored_key(field, unquote(str(value))):
            raise Http404(_("No such entry."))

    def history_view(self, request, object_id, extra_context=None):
        """The object's history; a key that cannot be one is a 404 (django-simple-history
        queried ``?id=abc`` as it came)."""
        self._stored_key_or_404(self.model._meta.pk, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One version of the object (django-simple-history's admins only); a key or a
        version id that cannot be one is a 404."""
        self._stored_key_or_404(self.model._meta.pk, object_id)
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute).model
        self._stored_key_or_404(history._meta.pk, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def response_action(self, request, queryset):
        selected: Iterable[str] = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_stored_key(self.model._meta.pk, key) for key in selected):
            self.message_user(request, UNKNOWN_SELECTION_MESSAGE, messages.WARNING)
            return None
        return super().response_action(request, queryset)
