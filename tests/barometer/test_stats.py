"""The benchmark arithmetic, without a database."""

import math

import pytest

from barometer.engine.indicators import IndicatorSpec, OptionInfo, evaluate
from barometer.engine.stats import (
    Suppressed,
    difference_of_shares,
    index_score,
    mean,
    share,
    wilson_interval,
)
from barometer.engine.suppression import suppress_group, suppress_partition


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(0, 10, 0.0, 0.2775), (1, 10, 0.0179, 0.4042), (5, 10, 0.2366, 0.7634), (10, 10, 0.7225, 1.0),
     (88, 100, 0.8018, 0.9300), (3, 100, 0.0103, 0.0845)],
)  # fmt: skip
def test_wilson_interval_matches_published_values(k, n, low, high):
    got_low, got_high = wilson_interval(k, n)
    assert got_low == pytest.approx(low, abs=5e-4)
    assert got_high == pytest.approx(high, abs=5e-4)


def test_wilson_interval_rejects_impossible_counts():
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
    with pytest.raises(ValueError):
        wilson_interval(0, 0)


def test_share_of_nobody_has_no_value():
    assert share(0, 0).value is None


def test_mean_with_t_interval():
    values = [2, 4, 4, 4, 5, 5, 7, 9]
    result = mean(sum(values), sum(v * v for v in values), len(values))
    assert result.value == 5
    sd = math.sqrt(sum((v - 5) ** 2 for v in values) / 7)
    assert result.high - result.value == pytest.approx(2.365 * sd / math.sqrt(8), rel=1e-3)


def test_index_score_rescales_to_0_100_and_needs_enough_items():
    assert index_score([5, 5, 5], 1, 5, min_items=3) == 100
    assert index_score([1, 3], 1, 5, min_items=2) == 25
    assert index_score([4, 4], 1, 5, min_items=3) is None


def test_difference_of_two_shares_has_an_interval_around_it():
    d, low, high = difference_of_shares(share(60, 100), share(40, 100))
    assert d == pytest.approx(0.2)
    assert low < 0.2 < high and low > 0


@pytest.mark.parametrize(
    ("n", "total", "expected"),
    [(4, 100, Suppressed.TOO_FEW), (5, 100, None), (97, 100, Suppressed.COMPLEMENT), (100, 100, None),
     (95, 100, None), (5, None, None)],
)  # fmt: skip
def test_group_suppression(n, total, expected):
    assert suppress_group(n, total, 5) == expected


def test_partition_hides_small_parts():
    assert suppress_partition({"a": 20, "b": 30, "c": 0}, 5) == {}


def test_a_single_hidden_part_takes_the_next_smallest_with_it():
    # 4 alone is hidden; the total minus the shown parts would give it away, so hide 7 too.
    hidden = suppress_partition({"a": 4, "b": 7, "c": 30, "d": 40}, 5)
    assert hidden == {"a": Suppressed.TOO_FEW, "b": Suppressed.COMPLEMENT}


def test_hidden_parts_that_together_reach_the_threshold_are_enough():
    hidden = suppress_partition({"a": 3, "b": 2, "c": 30}, 5)
    assert hidden == {"a": Suppressed.TOO_FEW, "b": Suppressed.TOO_FEW}


def test_an_uncovered_remainder_counts_as_hidden():
    # The parts cover 47 of 50: the missing 3 could be worked out, so the smallest part goes.
    assert suppress_partition({"a": 20, "b": 27}, 5, total=50) == {"a": Suppressed.COMPLEMENT}


def options():
    return [
        OptionInfo(1, "initiated_by", "employees", None),
        OptionInfo(2, "initiated_by", "leaders", None),
        OptionInfo(3, "implemented_by", "employees", None),
        OptionInfo(4, "implemented_by", "leaders", None),
        OptionInfo(10, "culture_a", "agree", 4.0),
        OptionInfo(11, "culture_a", "disagree", 2.0),
        OptionInfo(12, "culture_a", "dont_know", None),
        OptionInfo(13, "culture_b", "strongly_agree", 5.0),
        OptionInfo(14, "culture_b", "strongly_disagree", 1.0),
    ]


def spec(**kwargs):
    base = {"key": "k", "rule": "share", "question_codes": ["initiated_by", "implemented_by"],
            "option_codes": ["employees"], "min_count": 1, "options": options()}  # fmt: skip
    return IndicatorSpec.resolve(**{**base, **kwargs})


def test_share_counts_any_of_the_options_in_any_of_the_questions():
    employees = spec()
    assert evaluate(employees, {3}).value == 1.0
    assert evaluate(employees, {1, 3}).value == 1.0
    assert evaluate(employees, {2, 4}).value == 0.0
    assert not evaluate(employees, {10}).applies  # did not answer: not in the population


def test_share_with_a_minimum_number_of_options():
    both = spec(option_codes=["employees", "leaders"], question_codes=["initiated_by"], min_count=2)
    assert evaluate(both, {1, 2}).value == 1.0
    assert evaluate(both, {1}).value == 0.0


def test_index_over_statements_ignores_dont_know():
    culture = spec(rule="index", question_codes=["culture_a", "culture_b"], option_codes=[], min_count=2)
    assert (culture.scale_min, culture.scale_max) == (1.0, 5.0)
    assert evaluate(culture, {10, 13}).value == pytest.approx(((4 + 5) / 2 - 1) / 4 * 100)
    assert evaluate(culture, {12, 13}).value is None  # one scored item is not enough
    assert evaluate(culture, {12, 13}).rated == 1 and evaluate(culture, {10, 13}).rated == 2


@pytest.mark.django_db
def test_a_report_says_why_a_workplace_has_no_index_score():
    """A manager who answered all five culture statements, three of them "Vet ikke", read
    that the workplace "did not answer enough of the statements": it says how many it took a
    position on, how many a score needs, and that "Vet ikke" is not one."""
    from django.utils import translation

    from barometer.models import Indicator
    from barometer.reference_data import load_indicators
    from barometer.reports.workplace import _sentence

    load_indicators()
    culture = Indicator.objects.get(key="culture-index")
    own = evaluate(
        spec(rule="index", question_codes=["culture_a", "culture_b"], option_codes=[], min_count=3), {12, 13}
    )
    with translation.override("nb"):
        sentence = _sentence(culture, own, national=None, published=False)
    assert sentence == (
        "Virksomheten deres tok stilling til 1 av de 5 utsagnene. Det trengs minst 3 for å gi en poengsum,"
        " og «Vet ikke» regnes ikke som å ta stilling."
    )


def test_mean_of_a_scale():
    scale = spec(rule="mean", question_codes=["culture_a"], option_codes=[])
    assert evaluate(scale, {11}).value == 2.0
