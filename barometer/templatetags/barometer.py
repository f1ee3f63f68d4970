from django import template
from django.utils.html import conditional_escape, format_html

from barometer.formatting import (
    among,
    format_change,
    format_count,
    format_estimate,
    format_estimate_interval,
    format_number,
    format_share,
    in_sentence,
    lower_first,
    shares_decimals,
    with_weighting,
)
from barometer.formatting import (
    base_in_group as _base_in_group,
)

register = template.Library()


@register.filter
def share(value, decimals=0):
    """0.88 -> "88 %" (Norwegian) or "88%" (English); in a column, with the column's
    ``decimals`` (``barometer.formatting.shares_decimals``)."""
    return format_share(value, int(decimals or 0))


@register.filter
def column_decimals(rows, attributes):
    """The decimals every share in one column, or in columns read side by side, is written
    with: ``{% with decimals=rows|column_decimals:"rate" %}`` (or ``"population_share,
    respondent_share"``) and then ``{{ row.rate|share:decimals }}``, so that "0,5 %" never
    stands beside "1 %" (``barometer.formatting.shares_decimals``)."""
    names = [name.strip() for name in str(attributes).split(",")]
    return shares_decimals(getattr(row, name, None) for row in rows or () for name in names)


@register.filter
def base_in_group(base, grouped):
    """``barometer.formatting.base_in_group``: ``{{ row.base|base_in_group:report.filter.active }}``."""
    return _base_in_group(base, bool(grouped))


@register.filter
def lowerfirst(value):
    """A statement with a lower-case first letter and the rest as it is (``lower`` would
    lower "KS" too)."""
    return lower_first(value)


@register.filter(name="in_sentence")
def in_sentence_filter(value):
    """A group's name inside a sentence (``barometer.formatting.in_sentence``): a workplace
    type or sector in lower case ("minus sykehjem"), a county as it is."""
    return in_sentence(value)


@register.filter
def count(value):
    """3000 -> "3 000" (Norwegian, a no-break space) or "3,000" (English)."""
    return format_count(value)


@register.filter
def number(value, decimals=0):
    return format_number(value, int(decimals))


@register.simple_tag
def value(estimate, as_share=True, decimals=None):
    """An estimate's value, with as many decimals as its interval ("77,9" beside "77,5–78,3");
    in a table, ``decimals`` is the table's (``barometer.formatting.table_decimals``)."""
    return format_estimate(estimate, as_share=bool(as_share), decimals=decimals)


@register.simple_tag
def interval(estimate, as_share=True, decimals=0):
    """The 95 % interval of an estimate, formatted for the active language with the
    decimals its value is written with; in a table, at least the table's ``decimals``."""
    return format_estimate_interval(estimate, as_share=bool(as_share), decimals=decimals or 0)


@register.filter
def change(value, as_share=True):
    """(estimate, low, high) of a change as "+5,2 prosentpoeng (−1,0 til +11,4)"; a change
    in scores (``as_share`` False) in points (``barometer.formatting.format_change``)."""
    return format_change(value, as_share=bool(as_share))


@register.simple_tag
def difference(value, as_share=True, decimals=1):
    """A difference between rows of a table, with the table's ``decimals`` ("+16
    prosentpoeng (+10 til +22)" beside rows written "61 %" and "45 %")."""
    return format_change(value, as_share=bool(as_share), decimals=decimals)


@register.simple_tag
def weighted_name(name, weighted):
    """A name with its weighting, as ``barometer.formatting.with_weighting`` words it:
    "Share ... (weighted)", "Culture index (0–100, weighted)" (never two pairs of brackets)."""
    return with_weighting(name, weighted)


@register.simple_tag
def group_with_base(group, base):
    """A table row's group with the base of its figure, as ``barometer.formatting.group_with_base``
    words it ("Workplaces in Vestland, among workplaces with an innovation"), the base on a line of
    its own in small type; a screen reader reads the phrase as it stands. ``base`` is a
    ``Base`` or the words of a wider group; the group alone when its name says whom."""
    words = among(base)
    if not words:
        return conditional_escape(group)
    return format_html('{},<br><span class="small fw-normal base">{}</span>', group, words)
