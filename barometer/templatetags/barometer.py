from django import template

from barometer.formatting import format_interval, format_number, format_share

register = template.Library()


@register.filter
def share(value):
    """0.88 -> "88 %" (Norwegian) or "88%" (English)."""
    return format_share(value)


@register.filter
def number(value, decimals=0):
    return format_number(value, int(decimals))


@register.simple_tag
def interval(estimate, as_share=True):
    """The 95 % interval of an estimate, formatted for the active language."""
    return format_interval(estimate.low, estimate.high, as_share=as_share)


@register.filter
def points(value):
    """A difference of two shares as signed percentage points: 0.052 -> "+5,2"."""
    if value is None:
        return ""
    text = format_number(abs(value) * 100, 1)
    return ("−" if value < 0 else "+") + text
