"""Characters a stored text may not hold.

XML 1.0 (which XLSX, the e-mail templates' HTML and every export's readers rely on) allows
only tab, line feed, carriage return, U+0020-U+D7FF, U+E000-U+FFFD and U+10000-U+10FFFF
(XML 1.0, 5th ed., production [2] ``Char``). A text with U+000B or U+FFFF in it makes
openpyxl refuse to write the workbook, or writes one that Excel cannot open. Besides those,
the C0 and C1 control characters (U+0000-U+001F except tab and line breaks, U+007F-U+009F)
have no place in a name or an answer: they are invisible and come from broken copy and
paste. The policy: inputs refuse them (imports, admin forms) or remove them (the
questionnaire's free texts, see :func:`surveys.rules.normalise_text`); writers replace any
that are stored anyway with U+FFFD, so a file is always written and always valid.
"""

from __future__ import annotations

import re

from django import forms
from django.db import models

#: Characters not allowed in XML 1.0, and the C0/C1 control characters except tab, LF and CR.
DISALLOWED = re.compile("[^\t\n\r\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: What a writer puts in place of a disallowed character (the Unicode replacement character).
REPLACEMENT = "\ufffd"


def first_disallowed(text: str) -> str | None:
    """The first disallowed character of ``text`` as ``"U+000B"``, or None when there is none."""
    found = DISALLOWED.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def without_disallowed(text: str) -> str:
    """``text`` with every disallowed character removed."""
    return DISALLOWED.sub("", text)


def replace_disallowed(text: str) -> str:
    """``text`` with every disallowed character replaced by U+FFFD (for writers)."""
    return DISALLOWED.sub(REPLACEMENT, text)


def validate_allowed_characters(value: str) -> None:
    """A form validator: raises ``ValidationError`` naming the first disallowed character."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    found = first_disallowed(value or "")
    if found:
        raise ValidationError(
            _("The text contains an invisible control character (%(character)s); remove it."),
            code="disallowed_character",
            params={"character": found},
        )


def refuse_other_digits(value):
    """``value`` as it is when it is not text or its digits are 0-9; raises
    ``ValidationError`` (code ``other_digits``) when it holds another script's digits
    ("٣٠", "３０"), which Python's ``int`` and ``Decimal`` read silently as 30."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if has_other_digits(value):
        raise ValidationError(_("Write the number with the digits 0–9."), code="other_digits")
    return value


def has_other_digits(value) -> bool:
    """Whether ``value`` is text holding digits other than 0-9 ("٣٠", "３０")."""
    return isinstance(value, str) and any(character.isdigit() and not character.isascii() for character in value)


class AsciiKeyMixin:
    """For a ``ModelChoiceField``: a key written with digits other than 0-9 ("٢", "２") is no
    choice, said with the field's own ``invalid_choice`` message. Python's ``int`` reads
    them as digits, so ``?round=٢`` chose round 2, while every number box refuses them."""

    def to_python(self, value):
        if has_other_digits(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return super().to_python(value)


class AsciiIntegerField(forms.IntegerField):
    """Django's ``IntegerField`` reading only the digits 0-9 (``refuse_other_digits``)."""

    def to_python(self, value):
        return super().to_python(refuse_other_digits(value))


class AsciiDecimalField(forms.DecimalField):
    """Django's ``DecimalField`` reading only the digits 0-9 (``refuse_other_digits``)."""

    def to_python(self, value):
        return super().to_python(refuse_other_digits(value))


class AsciiFloatField(forms.FloatField):
    """Django's ``FloatField`` reading only the digits 0-9 (``refuse_other_digits``)."""

    def to_python(self, value):
        return super().to_python(refuse_other_digits(value))


class NumericTextInput(forms.TextInput):
    """A number's box in the admin: a text box with a numeric keyboard (``inputmode``), not
    ``<input type="number">``, which Chromium empties when it holds digits other than 0-9
    ("٣٠"), so the form arrived blank and a number was wiped without a word. The form field
    then reads what was typed and says what is wrong (``refuse_other_digits``)."""

    def __init__(self, attrs=None, *, inputmode: str = "numeric"):
        super().__init__({"inputmode": inputmode, "autocomplete": "off", "spellcheck": "false", **(attrs or {})})


class AllowedCharactersAdminMixin:
    """For a ModelAdmin: every text field of its forms refuses disallowed characters, and
    every number field digits other than 0-9 (a number the admin stores is the number
    written, as the questionnaire's and the imports' are), in a text box with a numeric
    keyboard (``NumericTextInput``) so that the form sees what was typed."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if not db_field.choices and "form_class" not in kwargs:
            if isinstance(db_field, models.IntegerField):
                kwargs["form_class"] = AsciiIntegerField
                kwargs.setdefault("widget", NumericTextInput({"class": "vIntegerField"}))
            elif isinstance(db_field, models.DecimalField):
                kwargs["form_class"] = AsciiDecimalField
                kwargs.setdefault("widget", NumericTextInput(inputmode="decimal"))
            elif isinstance(db_field, models.FloatField):
                kwargs["form_class"] = AsciiFloatField
                kwargs.setdefault("widget", NumericTextInput(inputmode="decimal"))
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(formfield, forms.CharField):
            formfield.validators.append(validate_allowed_characters)
        return formfield
