"""Forms for answering: one form per questionnaire section, one field per question by kind,
and the profile form that starts an open self-test.

Every rule is checked here, on the server, by calling ``surveys.rules`` (the one place the
answer rules live): required answers, the maximum number of choices, exclusive options,
number bounds and formats, text length, and that every chosen option belongs to the
question (a field only accepts the ids of its own options).
"""

from __future__ import annotations

import re

from django import forms
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import rules
from .characters import AsciiKeyMixin, NumericTextInput
from .collation import norwegian_key
from .i18n import localized_html
from .models import Municipality, Question, QuestionKind, WorkplaceType
from .questionnaire import KEPT_FIELDS, AnswerValues
from .rendering import render_answer_form


class StrictRadioSelect(forms.RadioSelect):
    """A radio group that treats several submitted values as an invalid answer, not the last one."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        if len(values) > 1:
            return values  # a list is never a valid choice: the field reports it
        return values[0] if values else None


class AnsweringFormMixin:
    """The respondent's forms: their fields as HTML (``as_answers``, written by
    ``surveys.rendering``, without a <form> tag) and the error summary at the top of a page."""

    #: Each field's label in the error summary where it differs from the field's own label,
    #: by field name (``SectionForm`` names a question written as a stem and an item by its item).
    summary_labels: dict[str, str] = {}

    def as_answers(self) -> SafeString:
        return render_answer_form(self)

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor id, field label, message) for every error, in field order. The label ends
        in a colon only when it does not end in a question mark or a full stop already, so a
        line reads "Hvor mange ...? Svar på dette spørsmålet." and never "...?: ..."."""
        summary = []
        for name in self.fields:
            for message in self.errors.get(name, []):
                field = self[name]
                anchor = field.id_for_label or f"{field.auto_id}_0"
                label = self.summary_labels.get(name, self.fields[name].label) or ""
                if label and not strip_tags(str(label)).rstrip().endswith(("?", ".", ":", "!")):
                    label = format_html("{}:", label)
                summary.append((anchor, label, message))
        return summary


INVALID_CHOICE = rules.INVALID_CHOICE


def _errors(violations: list[rules.Violation]) -> forms.ValidationError:
    return forms.ValidationError(
        [forms.ValidationError(v.message, code=v.code, params=v.params or None) for v in violations]
    )


class WholeNumberField(forms.Field):
    """A whole number read as ``surveys.rules.read_whole_number`` reads it ("1e3", "007",
    "7.0", " 7 ", "7,0"), within [low, high]; the bounds the question sets are stated in
    words beside the box (``range_sentence``).

    The box is a text box with a numeric keyboard (``NumericTextInput``), as GOV.UK's
    design system advises for whole numbers, not ``<input type="number">``: a browser sends
    such a box empty when it holds anything it cannot read ("ca. 25", "٣٠"), so the
    respondent who wrote a number was told to write one; a mouse wheel over it changes the
    number; and screen readers announce a spin button. The form now reads what was typed
    and says what is wrong with it."""

    widget = NumericTextInput

    def __init__(self, *, low: int, high: int, states_min: bool = True, states_max: bool = True, **kwargs):
        self.low, self.high = low, high
        self.states = {"states_min": states_min, "states_max": states_max}
        super().__init__(**kwargs)

    def range_sentence(self) -> str:
        """The bounds the question sets, as a sentence in the active language ("Et helt tall
        fra 1 til 100 000."); "" when it sets none (the stored range is no one's answer)."""
        bounds = rules.written_bounds(self.low, self.high)
        if self.states["states_min"] and self.states["states_max"]:
            return _("A whole number from %(min)s to %(max)s.") % bounds
        if self.states["states_max"]:
            return _("A whole number no larger than %(max)s.") % bounds
        if self.states["states_min"]:
            return _("A whole number no smaller than %(min)s.") % bounds
        return ""

    def state_range(self) -> None:
        """Add ``range_sentence`` to the help text (in the active language)."""
        sentence = self.range_sentence()
        if sentence:
            self.help_text = format_html("{} {}", self.help_text, sentence) if self.help_text else sentence

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number, violations = rules.read_whole_number(str(value), self.low, self.high, **self.states)
        if violations:
            raise _errors(violations)
        return number


def answer_number_field(question: Question, **kwargs) -> WholeNumberField:
    """The field of a number question, with the bounds ``surveys.rules.number_bounds`` gives."""
    low, high = rules.number_bounds(question)
    return WholeNumberField(
        low=low,
        high=high,
        states_min=question.min_value is not None,
        states_max=question.max_value is not None,
        **kwargs,
    )


class AnswerTextField(forms.CharField):
    """A text answer, normalised and length-checked by ``surveys.rules``; the page's
    ``maxlength`` is the same limit, counted the way browsers count it."""

    def __init__(self, *, question: Question, **kwargs):
        self.question = question
        super().__init__(strip=False, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.question.max_length:
            attrs["maxlength"] = str(self.question.max_length)
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        return rules.normalise_text(value) if value else value

    def validate(self, value):
        super().validate(value)
        if value:
            violations = rules.check_text(self.question, value)
            if violations:
                raise _errors(violations)


def summary_label(question: Question) -> str:
    """The question as the error summary names it (HTML, escaped): its text, or for a
    question written as a shared stem and an item ("I hvilken grad har følgende fremmet
    eller hemmet arbeidet ...: ny teknologi") the item alone, capitalised ("Ny teknologi"),
    as the page's heading and the question itself carry the stem. A question that ends
    with an answering hint in brackets ("Hva slags innovasjon er det? (velg alle som
    passer)") is named without it: the message after it says what to do, and "…? (…):
    Velg minst ett …" read as three stops in a row. A text that falls back to bokmål keeps
    its ``lang="nb"``."""
    text = localized_html(question, "text")
    stem, separator, item = str(text).partition(": ")
    if not separator or not item.strip() or "<" in stem:  # no stem, or a fallback's <span lang="nb">
        hinted = _ANSWERING_HINT.fullmatch(str(text))
        return mark_safe(hinted.group(1)) if hinted else text
    return mark_safe(item[:1].upper() + item[1:])


#: A question ending in a sentence mark and then a hint in brackets: the question, the hint.
_ANSWERING_HINT = re.compile(r"(.*[?.!])\s*\([^()<>]*\)", re.DOTALL)


class SectionForm(AnsweringFormMixin, forms.Form):
    """The questions of one section a response sees, as form fields named by question code.

    With ``partial=True`` (going back, or saving to continue later) required questions may
    be left empty, but every answer given must still be valid.
    """

    def __init__(self, *args, questions: list[Question], values: AnswerValues | None = None, partial=False, **kwargs):
        self.questions = {question.code: question for question in questions}
        self.partial = partial
        initial = self._initial(questions, values) if values else {}
        super().__init__(*args, initial=initial, **kwargs)
        for question in questions:
            self.fields[question.code] = self._kept_field(question)

    @cached_property
    def summary_labels(self) -> dict[str, str]:
        """Each question's label in the error summary (``summary_label``), by question code:
        worked out only for a page that has errors to sum up."""
        return {code: summary_label(question) for code, question in self.questions.items()}

    @staticmethod
    def _initial(questions, values: AnswerValues) -> dict:
        initial = {}
        for question in questions:
            if question.kind == QuestionKind.MULTIPLE_CHOICE:
                initial[question.code] = [str(pk) for pk in values.options.get(question.pk, [])]
            elif question.has_options:
                chosen = values.options.get(question.pk)
                initial[question.code] = str(chosen[0]) if chosen else None
            elif question.kind == QuestionKind.NUMBER:
                initial[question.code] = values.numbers.get(question.pk)
            else:
                initial[question.code] = values.texts.get(question.pk, "")
        return initial

    def _kept_field(self, question: Question) -> forms.Field:
        """The question's field, built once per language and ``required`` for the question
        object and then shared by every form that asks it.

        Only the questions of a published questionnaire kept in this process are given a
        store (``Questionnaire.of``): those are kept per question-set revision, so a
        corrected wording is a new question object with fields of its own. Any other
        question (a draft's, loaded for each request) gets a field built for this form.
        Sharing is safe because nothing changes what a field is after it is built: a form
        keeps its data, errors and cleaned values itself, and the page's markup is written
        from them (``surveys.rendering``). The one thing a field is given later is that
        markup without any answer or error, kept on the field by input name and id
        (``surveys.rendering._prepared_parts``), which depends on nothing but the field.
        """
        required = question.required and not self.partial
        kept = question.__dict__.get(KEPT_FIELDS)
        if kept is None:
            return self._field(question, required)
        key = (get_language(), required)
        field = kept.get(key)
        if field is None:
            field = kept[key] = self._field(question, required)
        return field

    def _field(self, question: Question, required: bool) -> forms.Field:
        label = localized_html(question, "text")
        if question.required:
            # A screen reader reads "*" as "star": the mark is hidden from it and the word said
            # instead.
            label = format_html(
                '{}<span class="required-mark" aria-hidden="true"> *</span><span class="visually-hidden"> ({})</span>',
                label,
                _("required"),
            )
        common = {
            "label": label,
            "help_text": localized_html(question, "help"),
            "required": required,
        }
        if question.has_options:
            choices = [(str(option.pk), localized_html(option, "label")) for option in question.options.all()]
            messages = {"invalid_choice": INVALID_CHOICE, "invalid_list": INVALID_CHOICE}
            if question.kind == QuestionKind.MULTIPLE_CHOICE:
                messages["required"] = _("Choose at least one option.")
                return forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple, error_messages=messages, **common
                )
            messages["required"] = _("Choose one of the options.")
            return forms.ChoiceField(choices=choices, widget=StrictRadioSelect, error_messages=messages, **common)
        if question.kind == QuestionKind.NUMBER:
            field = answer_number_field(question, **common)
            field.state_range()
        else:
            if question.max_length:
                # The browser stops typing at the limit without a word: say it beforehand.
                limit = _("At most %(max)s characters.") % {
                    "max": formats.number_format(question.max_length, force_grouping=True)
                }
                common["help_text"] = format_html("{} {}", common["help_text"], limit) if common["help_text"] else limit
            field = AnswerTextField(question=question, widget=forms.Textarea(attrs={"rows": 4}), **common)
        # Django's "Dette feltet er påkrevd." speaks of a field; the respondent sees a question.
        field.error_messages["required"] = _("Answer this question.")
        return field

    def clean(self):
        cleaned = super().clean()
        for code, question in self.questions.items():
            if question.kind == QuestionKind.MULTIPLE_CHOICE and cleaned.get(code):
                options = {str(option.pk): option for option in question.options.all()}
                violations = rules.check_choices(question, [options[pk] for pk in cleaned[code]])
                if violations:
                    self.add_error(code, _errors(violations))
        return cleaned

    def answers(self) -> dict[Question, list[int] | int | str | None]:
        """The cleaned answers by question: option ids, a number, a text, or None for no answer."""
        result = {}
        for code, question in self.questions.items():
            value = self.cleaned_data.get(code)
            if question.kind == QuestionKind.MULTIPLE_CHOICE:
                result[question] = [int(pk) for pk in value] if value else None
            elif question.has_options:
                result[question] = [int(value)] if value else None
            elif question.kind == QuestionKind.NUMBER:
                result[question] = value
            else:
                result[question] = value or None
        return result


class NorwegianOrderIterator(forms.models.ModelChoiceIterator):
    """A model choice field's options in Norwegian alphabetical order of their names
    (``surveys.collation``), whatever order the database sorts names in."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # By the object's name where it has one (a county is labelled "42 Agder"), then by
        # the label, which tells namesakes apart.
        yield from (
            self.choice(obj)
            for obj in sorted(
                self.queryset,
                key=lambda obj: (
                    norwegian_key(getattr(obj, "name", "")),
                    norwegian_key(str(self.field.label_from_instance(obj))),
                ),
            )
        )


class NorwegianOrderChoiceField(AsciiKeyMixin, forms.ModelChoiceField):
    """A model choice field whose options are in Norwegian alphabetical order, keyed by
    digits 0-9 only."""

    iterator = NorwegianOrderIterator


class MunicipalityChoiceField(NorwegianOrderChoiceField):
    """A municipality from the register, listed in Norwegian alphabetical order, each named
    with its county where SSB's name does not already tell namesakes apart."""

    def label_from_instance(self, obj: Municipality) -> str:
        # SSB's names of namesakes carry their county already: "Herøy (Møre og Romsdal)".
        if obj.name.endswith(")"):
            return obj.name
        return f"{obj.name} ({obj.county.name})"


class SelfTestProfileForm(AnsweringFormMixin, forms.Form):
    """The workplace profile an anonymous self-test starts with."""

    workplace_type = forms.ChoiceField(
        label=_("Type of workplace"),
        choices=WorkplaceType.choices,
        widget=StrictRadioSelect,
        # Each message says what to do, as the questionnaire's do, not Django's "This field is required."
        error_messages={"required": _("Choose the type of workplace."), "invalid_choice": INVALID_CHOICE},
    )
    municipality = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.select_related("county").order_by("name"),
        empty_label=_("Choose the municipality"),
        help_text=_("Your municipality's size and centrality decide which workplaces you are compared with."),
        error_messages={
            "required": _("Choose the municipality from the list."),
            "invalid_choice": _("Choose the municipality from the list."),
        },
    )
    employees = WholeNumberField(
        label=_("Number of employees at the workplace"),
        low=1,
        high=100_000,
        help_text=_("Count everyone employed, including part-time; an estimate is fine."),
        error_messages={"required": _("Write the number of employees, for example 25.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employees"].state_range()  # this form's own copy, in the page's language
