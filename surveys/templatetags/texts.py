from django import template

from surveys.i18n import localized_html

register = template.Library()


@register.filter
def text(obj, base):
    """A question set's text in the active language, marked lang="nb" where it falls back:
    ``{{ question|text:"text" }}``, ``{{ section|text:"title" }}``."""
    return localized_html(obj, base)
