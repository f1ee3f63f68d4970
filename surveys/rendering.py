"""The respondent's forms as HTML, written in Python instead of through templates.

A questionnaire page is the page a respondent waits for most often, and its form is most
of it: the factors page has about 200 inputs. Rendered through crispy-forms' Bootstrap 5
templates, it took about two thirds of the page's time in Django's template engine
(11,000 node renders for one page; issue 16). This module writes the same markup directly:
one pass over the fields, every text escaped with ``conditional_escape``.

The markup follows Bootstrap 5's form classes and the accessibility rules the browser
suite checks (axe, keyboard):

- a question with options is a ``<fieldset>`` named by its ``<legend>``; every other
  question has a ``<label for>``;
- the help text and the error messages come right after the question, before the
  options, and the group or the input names them in ``aria-describedby``, so a screen
  reader reads them with the question (``id_<name>_helptext``, ``id_<name>_error``);
- an input with an error has ``aria-invalid="true"`` and Bootstrap's ``is-invalid``;
- the first option of a group has the id the page's error summary links to
  (``id_<name>_0``; a single input's id is ``id_<name>``).

Used for ``SectionForm`` and ``SelfTestProfileForm`` (``AnsweringFormMixin.as_answers``)
for the review page's list of answers (``render_review``) and for the workplace as
registered (``render_profile``); the login, password and staff forms stay with crispy-forms.
"""

from __future__ import annotations

from enum import Enum
from html import escape as html_escape
from typing import NamedTuple

from django import forms
from django.forms.widgets import ChoiceWidget
from django.utils import formats
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .i18n import current_language, localized_html
from .models.registers import WorkplaceType


def _attributes(attrs: dict) -> str:
    """`` name="value"`` pairs; ``True`` gives a bare attribute, ``False``/``None`` none.

    What ``django.forms.utils.flatatt`` does, written out because flatatt formats through
    ``format_html_join`` and sorts: the factors page's form took 7-9 ms with it against
    1.5-2 ms with this, measured side by side, and speed is why this module exists."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {name}")
        elif value is not None and value is not False:
            parts.append(f' {name}="{conditional_escape(value)}"')
    return "".join(parts)


def _chosen(value) -> set[str]:
    """The submitted or initial value of a field as a set of strings."""
    if value is None or value == "":
        return set()
    if isinstance(value, list | tuple):
        return {str(item) for item in value}
    return {str(value)}


def _described(help_id: str | None, error_id: str | None) -> str | None:
    ids = " ".join(part for part in (help_id, error_id) if part)
    return ids or None


def _notes(help_text, help_id: str | None, errors, error_id: str | None) -> list[str]:
    """The help text, then the errors, as shown under the question."""
    parts = []
    if help_id:
        parts.append(f'<div id="{help_id}" class="form-text mt-0 mb-2">{conditional_escape(help_text)}</div>')
    if error_id:
        messages = "".join(f'<p class="mb-1"><strong>{conditional_escape(m)}</strong></p>' for m in errors)
        parts.append(f'<div id="{error_id}" class="invalid-feedback d-block mb-2">{messages}</div>')
    return parts


class _Choice(NamedTuple):
    """An option's markup, not chosen and chosen (``checked`` or ``selected``)."""

    value: str
    plain: str
    chosen: str


class _Slot(Enum):
    """Where the field's own value goes: an input's ``value`` attribute, or a textarea's text."""

    VALUE_ATTRIBUTE = "value attribute"
    TEXT = "text"


_Part = str | _Choice | _Slot


def _field_parts(bound: forms.BoundField, choices: tuple[tuple[str, str], ...] | None) -> tuple[_Part, ...]:
    """The field's markup with its answer left out: static text, one ``_Choice`` per option
    and at most one ``_Slot`` for a typed value. Everything in it is escaped.

    ``choices``: the field's options (``_choices_of``)."""
    field = bound.field
    widget = field.widget
    name = bound.html_name
    auto_id = bound.auto_id
    errors = bound.errors
    help_id = f"{auto_id}_helptext" if field.help_text else None
    error_id = f"{auto_id}_error" if errors else None
    described = _described(help_id, error_id)
    invalid = " is-invalid" if errors else ""
    label = conditional_escape(field.label or "")
    notes = _notes(field.help_text, help_id, errors, error_id)
    parts: list[_Part] = [f'<div id="div_{auto_id}" class="mb-3 question">']
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        kind = "checkbox" if isinstance(widget, forms.CheckboxSelectMultiple) else "radio"
        parts.append(f"<fieldset{_attributes({'aria-describedby': described})}>")
        parts.append(f'<legend class="form-label fs-6">{label}</legend>')
        parts += notes
        required = field.required and kind == "radio"
        for index, (value, text) in enumerate(choices or ()):
            option_id = f"{auto_id}_{index}"
            attrs = {
                "type": kind,
                "class": f"form-check-input{invalid}",
                "name": name,
                "value": escape(value),  # always escaped: the key holds the value as text
                "id": option_id,
                "required": required,
                "checked": False,
                "aria-invalid": "true" if errors else None,
            }
            option_label = f'<label for="{option_id}" class="form-check-label">{text}</label></div>'
            plain = f'<div class="form-check"><input{_attributes(attrs)}>{option_label}'
            chosen = f'<div class="form-check"><input{_attributes({**attrs, "checked": True})}>{option_label}'
            parts.append(_Choice(value, plain, chosen))
        parts.append("</fieldset>")
    else:
        parts.append(f'<label for="{auto_id}" class="form-label">{label}</label>')
        parts += notes
        common = {
            "name": name,
            "id": auto_id,
            "required": field.required,
            "aria-describedby": described,
            "aria-invalid": "true" if errors else None,
        }
        if isinstance(widget, forms.Select):
            parts.append(f"<select{_attributes({**common, 'class': f'form-select{invalid}'})}>")
            for value, text in choices or ():
                start = f'<option value="{escape(value)}"'
                end = f">{text}</option>"
                parts.append(_Choice(value, start + end, f"{start} selected{end}"))
            parts.append("</select>")
        elif isinstance(widget, forms.Textarea):
            attrs = {**widget.attrs, **common, "class": f"form-control{invalid}"}
            parts += [f"<textarea{_attributes(attrs)}>\n", _Slot.TEXT, "</textarea>"]
        else:
            attrs = {"type": widget.input_type, **widget.attrs, **common, "class": f"form-control{invalid}"}
            attrs.pop("value", None)  # the answer, written last by the slot
            parts += [f"<input{_attributes(attrs)}", _Slot.VALUE_ATTRIBUTE, ">"]
    parts.append("</div>")
    # Neighbouring static text in one piece, so that filling in is one join.
    merged: list[_Part] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return tuple(merged)


# A field's parts by everything they are made from. A questionnaire page is rendered again
# and again from the same questions in a few languages, so the same few hundred keys come
# back; a key that changes (a corrected wording, a draft being edited) is simply a new key.
_PREPARED: dict[tuple, tuple[_Part, ...]] = {}
_PREPARED_MAX = 4096


def _choices_of(bound: forms.BoundField) -> tuple[tuple[str, str], ...] | None:
    """The field's options as (value, escaped text), or None for a field without options.
    Read once per page: a model choice field reads them from the database."""
    if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.Select):
        return tuple((str(value), conditional_escape(text)) for value, text in bound.field.choices)
    return None


def _content_key(bound: forms.BoundField, choices: tuple[tuple[str, str], ...] | None) -> tuple:
    """Everything ``_field_parts`` reads for a field without errors, as the text it writes
    where that differs. Texts are keyed as escaped, which costs nothing for the already
    safe texts of a questionnaire (``localized_html``)."""
    field = bound.field
    widget = field.widget
    return (
        type(widget),
        getattr(widget, "input_type", None),
        _attributes(widget.attrs),
        bound.html_name,
        bound.auto_id,
        field.required,
        conditional_escape(field.label or ""),
        bool(field.help_text),
        conditional_escape(field.help_text) if field.help_text else "",
        choices,
    )


#: Where a field keeps its parts by (input name, id): a questionnaire's fields are built once
#: per question, language and requiredness and never changed after (``SectionForm``), so
#: what they render without errors is theirs for as long as they live.
_FIELD_PARTS = "_answer_form_parts"


def _prepared_parts(bound: forms.BoundField) -> tuple[_Part, ...]:
    """The field's parts, kept while it has no errors: a page with errors is rare and
    shown once, and keeping it would let what a visitor sends fill the store.

    Kept on the field itself (a field that is shared by every form asking its question
    reads them without working out its content again: that took a quarter of a
    questionnaire page's form) and by everything they are made from (``_PREPARED``), so a
    field built anew for every form, as a draft's are, still finds them."""
    if bound.errors:
        return _field_parts(bound, _choices_of(bound))
    kept = bound.field.__dict__.setdefault(_FIELD_PARTS, {})
    name = (bound.html_name, bound.auto_id)
    parts = kept.get(name)
    if parts is None:
        choices = _choices_of(bound)
        key = _content_key(bound, choices)
        parts = _PREPARED.get(key)
        if parts is None:
            parts = _field_parts(bound, choices)
            if len(_PREPARED) >= _PREPARED_MAX:
                _PREPARED.clear()
            _PREPARED[key] = parts
        kept[name] = parts
    return parts


def render_field(bound: forms.BoundField) -> str:
    """One field of an answering form as HTML (a plain ``str``; escaped throughout).

    The markup around the answer is built once per field content (``_prepared_parts``);
    filling in the answer (options checked or selected, a number, a text) is one pass."""
    value = bound.value()
    widget = bound.field.widget
    if isinstance(value, list | tuple) and isinstance(widget, ChoiceWidget) and not widget.allow_multiple_selected:
        value = None  # several values sent for one choice: an error, and none of them chosen
    chosen = None
    out = []
    for part in _prepared_parts(bound):
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, _Choice):
            if chosen is None:
                chosen = _chosen(value)
            out.append(part.chosen if part.value in chosen else part.plain)
        elif part is _Slot.TEXT:
            out.append(conditional_escape(value or ""))
        elif value not in (None, ""):  # _Slot.VALUE_ATTRIBUTE
            out.append(f' value="{conditional_escape(str(value))}"')
    return "".join(out)


def render_answer_form(form: forms.Form) -> SafeString:
    """Every field of ``form`` in order, as HTML safe to put in a page."""
    # Every text in it went through conditional_escape in render_field.
    return mark_safe("".join(render_field(form[name]) for name in form.fields))


def render_review(summary: list[dict], section_url) -> SafeString:
    """The review page's answers, one ``<section>`` per part: its heading, a "Change" link
    (``section_url(code)``, which returns to the review), and a description list of every
    question with its answer: several answers as a list, a text with its line breaks, none
    as "Not answered". ``summary`` is ``Questionnaire.answer_summary``'s list.

    Written here rather than in the template for the reason the forms are: the review lists
    every question answered, and its loops were most of the page's time.
    """
    language = current_language()  # once: asking for it is a context-local lookup
    change = escape(gettext("Change"))
    not_answered = f"<em>{escape(gettext('Not answered'))}</em>"
    the_part = gettext("the part “%(title)s”")
    out = ['<div class="review">\n']
    for entry in summary:
        code = escape(entry["section"].code)
        title = localized_html(entry["section"], "title", language)
        out.append(
            f'  <section class="mb-4" aria-labelledby="review-{code}">\n'
            '    <div class="d-flex flex-wrap justify-content-between align-items-baseline gap-2 border-bottom mb-2">\n'
            f'      <h2 class="h4" id="review-{code}">{title}</h2>\n'
            f'      <a href="{escape(section_url(entry["section"].code))}">{change}'
            f'<span class="visually-hidden"> {the_part % {"title": title}}</span></a>\n'
            "    </div>\n    <dl>\n"
        )
        for row in entry["rows"]:
            answer = row["answer"]
            # The standard library's escape, which Django's ``escape`` calls after checking
            # every argument for a lazy text: the same markup, at half the cost per answer.
            if len(answer) > 1:
                shown = '<ul class="mb-0">' + "".join(f"<li>{html_escape(str(item))}</li>" for item in answer) + "</ul>"
            elif answer:
                text = str(answer[0])
                if "\r" in text:  # as normalize_newlines: a text's line breaks as "\n"
                    text = text.replace("\r\n", "\n").replace("\r", "\n")
                shown = html_escape(text).replace("\n", "<br>")
            else:
                shown = not_answered
            out.append(f"      <dt>{localized_html(row['question'], 'text', language)}</dt>\n      <dd>{shown}</dd>\n")
        out.append("    </dl>\n  </section>\n")
    out.append("</div>")
    return mark_safe("".join(out))


#: Each workplace type's label (lazy: it is translated when shown).
_TYPE_LABELS = dict(WorkplaceType.choices)


def render_profile(response, *, staff: bool = False, heading_level: int = 2) -> SafeString:
    """The workplace as registered, as the welcome page, the questionnaire's first part and
    the report show it: a ``<section>`` with a heading of ``heading_level`` (2 on a page of
    its own, 4 inside the report's part about the comparison) and a description list of the
    workplace's name (when invited), type, municipality and number of employees (when
    given, grouped in thousands as the reader's language writes numbers). A respondent
    reads about "your workplace", staff about "the workplace"; an invited respondent is
    told how to report a wrong entry.

    Written here rather than in a template: it is on the welcome page and the first part,
    which a respondent opens most, and the template took a third of the welcome page's time.
    """
    workplace = response.workplace
    if staff:
        title = gettext("The workplace, as registered")
    elif workplace is not None:
        title = gettext("Your workplace, as registered")
    else:
        title = gettext("Your workplace (self-test)")
    rows = []
    if workplace is not None:
        rows.append((gettext("Workplace"), workplace.name))
    # A dict made once, not ``get_workplace_type_display()``, which hashes every choice on each
    # call; an unknown value is shown as it is, as that method shows it.
    rows.append((gettext("Type of workplace"), _TYPE_LABELS.get(response.workplace_type, response.workplace_type)))
    rows.append((gettext("Municipality"), response.municipality.name if response.municipality else ""))
    if response.employees:
        employees = formats.number_format(response.employees, force_grouping=True)
        rows.append((gettext("Number of employees"), employees))
    level = int(heading_level)
    out = [
        '<section class="profile card mb-4" aria-labelledby="profile-title">\n  <div class="card-body">\n'
        f'    <h{level} id="profile-title" class="h5">{escape(title)}</h{level}>\n    <dl class="row mb-0">\n'
    ]
    out.extend(
        f'      <dt class="col-sm-5">{escape(term)}</dt><dd class="col-sm-7">{escape(value)}</dd>\n'
        for term, value in rows
    )
    out.append("    </dl>\n")
    if workplace is not None and not staff:
        wrong = gettext(
            "If any of this is wrong, answer anyway and tell the survey team by replying to the invitation e-mail."
        )
        out.append(f'    <p class="small mb-0 mt-2">{escape(wrong)}</p>\n')
    out.append("  </div>\n</section>\n")
    return mark_safe("".join(out))


__all__ = ["render_answer_form", "render_field", "render_profile", "render_review"]
