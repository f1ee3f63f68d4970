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

Used for ``SectionForm`` and ``SelfTestProfileForm`` (``AnsweringFormMixin.as_answers``);
the login, password and staff forms stay with crispy-forms.
"""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


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


def render_field(bound: forms.BoundField) -> str:
    """One field of an answering form as HTML (a plain ``str``; escaped throughout)."""
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
    parts = [f'<div id="div_{auto_id}" class="mb-3 question">']
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        kind = "checkbox" if isinstance(widget, forms.CheckboxSelectMultiple) else "radio"
        chosen = _chosen(bound.value())
        parts.append(f"<fieldset{_attributes({'aria-describedby': described})}>")
        parts.append(f'<legend class="form-label fs-6">{label}</legend>')
        parts += notes
        required = field.required and kind == "radio"
        for index, (value, text) in enumerate(field.choices):
            value = str(value)
            option_id = f"{auto_id}_{index}"
            attrs = {
                "type": kind,
                "class": f"form-check-input{invalid}",
                "name": name,
                "value": value,
                "id": option_id,
                "required": required,
                "checked": value in chosen,
                "aria-invalid": "true" if errors else None,
            }
            parts.append(
                f'<div class="form-check"><input{_attributes(attrs)}>'
                f'<label for="{option_id}" class="form-check-label">{conditional_escape(text)}</label></div>'
            )
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
        value = bound.value()
        if isinstance(widget, forms.Select):
            chosen = _chosen(value)
            options = "".join(
                f'<option value="{conditional_escape(choice)}"{" selected" if str(choice) in chosen else ""}>'
                f"{conditional_escape(text)}</option>"
                for choice, text in field.choices
            )
            parts.append(f"<select{_attributes({**common, 'class': f'form-select{invalid}'})}>{options}</select>")
        elif isinstance(widget, forms.Textarea):
            attrs = {**widget.attrs, **common, "class": f"form-control{invalid}"}
            text = conditional_escape(value or "")
            parts.append(f"<textarea{_attributes(attrs)}>\n{text}</textarea>")
        else:
            attrs = {
                "type": widget.input_type,
                **widget.attrs,
                **common,
                "class": f"form-control{invalid}",
                "value": None if value in (None, "") else str(value),
            }
            parts.append(f"<input{_attributes(attrs)}>")
    parts.append("</div>")
    return "".join(parts)


def render_answer_form(form: forms.Form) -> SafeString:
    """Every field of ``form`` in order, as HTML safe to put in a page."""
    # Every text in it went through conditional_escape in render_field.
    return mark_safe("".join(render_field(form[name]) for name in form.fields))


__all__ = ["render_answer_form", "render_field"]
