"""The staff report's filter form: a round and any combination of groups."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from barometer.engine.groups import Filter
from barometer.engine.snapshots import is_fixed_set_shape
from barometer.reports.rounds import default_round, round_choice_label
from surveys.characters import AsciiKeyMixin
from surveys.forms import AnsweringFormMixin, NorwegianOrderChoiceField
from surveys.models import Centrality, County, Round, RoundKind, Sector, SizeClass, WorkplaceType


def _group_choices():
    choices = [("", _("All workplaces"))]
    choices += [(f"sector:{value}", label) for value, label in Sector.choices if value != Sector.OTHER]
    choices += [(f"type:{value}", label) for value, label in WorkplaceType.choices]
    return choices


class RoundChoiceField(AsciiKeyMixin, forms.ModelChoiceField):
    """A national round, named as ``round_choice_label`` names it (a round in fieldwork
    says that its figures are preliminary), chosen by its id in digits 0-9."""

    #: Set for readers of published results only (municipality staff): a round whose results
    #: are not published is marked so, since they would see no figures of it at all.
    published_only = False

    def label_from_instance(self, obj: Round) -> str:
        """The round's name, marked when its figures are preliminary, or for a reader of
        published results only, when they are not published yet."""
        if self.published_only and obj.results_published_at is None:
            return _("Not published yet – %(round)s") % {"round": obj.localized_name}
        return round_choice_label(obj)


class AggregateFilterForm(AnsweringFormMixin, forms.Form):
    round = RoundChoiceField(
        label=_("Round"),
        queryset=Round.objects.filter(kind=RoundKind.NATIONAL).order_by("-opens_at"),
        required=False,
        empty_label=None,
        # Each message says what to do, not Django's "Select a valid choice" (an edited address).
        error_messages={"invalid_choice": _("There is no such round. Choose a round from the list.")},
    )
    group = forms.ChoiceField(
        label=_("Sector or type of workplace"),
        choices=_group_choices,
        required=False,
        error_messages={"invalid_choice": _("Choose a sector or type of workplace from the list.")},
    )
    size_class = forms.TypedChoiceField(
        label=_("Municipality size"),
        choices=[("", _("All sizes")), *SizeClass.choices],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose a municipality size from the list.")},
    )
    centrality = forms.TypedChoiceField(
        label=_("Centrality"),
        choices=[("", _("All classes")), *Centrality.choices],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose a centrality class from the list.")},
    )
    county = NorwegianOrderChoiceField(
        label=_("County"),
        queryset=County.objects.order_by("name"),
        to_field_name="number",
        required=False,
        empty_label=_("All counties"),
        error_messages={"invalid_choice": _("Choose a county from the list.")},
    )

    def __init__(self, *args, fixed_set_only: bool = False, **kwargs):
        """``fixed_set_only``: for readers of published snapshots (municipality staff), who
        may choose only the combinations the snapshot publishes.

        A bound form without a round gets the default round (``default_round``: the latest
        whose figures are final for the reader) in its data, so the list shows the round
        the page shows, not the first one in it."""
        super().__init__(*args, **kwargs)
        self.fixed_set_only = fixed_set_only
        self.fields["round"].published_only = fixed_set_only
        if self.is_bound and not self.data.get("round"):
            chosen = default_round(self.fields["round"].queryset, published_only=fixed_set_only)
            if chosen is not None:
                self.data = self.data.copy()
                self.data["round"] = str(chosen.pk)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
        if fixed_set_only:
            self.fields["group"].help_text = _(
                "The published results have each choice on its own, and a type of workplace with one of "
                "municipality size, centrality or county."
            )

    def clean(self):
        cleaned = super().clean()
        if self.fixed_set_only and not self.errors and not is_fixed_set_shape(self.to_filter()):
            raise forms.ValidationError(
                _(
                    "The published results do not have this combination. Choose one group on its own, or a type "
                    "of workplace with one of municipality size, centrality or county."
                )
            )
        return cleaned

    def to_filter(self) -> Filter:
        data = self.cleaned_data
        group = data.get("group") or ""
        kind, _sep, value = group.partition(":")
        return Filter(
            sector=value if kind == "sector" else None,
            workplace_type=value if kind == "type" else None,
            size_class=data.get("size_class"),
            centrality=data.get("centrality"),
            county=data["county"].number if data.get("county") else None,
        )
