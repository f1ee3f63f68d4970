"""Weighting to the population: the arithmetic, and the reports that use it."""

import io

import pytest
from django.core.management import CommandError, call_command

from barometer.engine.groups import Filter
from barometer.engine.weighting import (
    WeightedSums,
    kish_effective_n,
    post_stratification,
    weighted_mean,
    weighted_share,
)
from barometer.reports.aggregate import aggregate_report
from surveys.models import Municipality, PopulationCell, Region, WorkplaceType
from surveys.services.population import PopulationFileError, load_population
from tests.builders import ResponseBuilder, innovator, non_innovator

A, B = ("primary_school", "vestlandet"), ("nursing_home", "vestlandet")


def test_weights_are_population_over_respondents():
    weights = post_stratification({A: 100, B: 300}, {A: 10, B: 10})
    assert weights.of(A) == 10 and weights.of(B) == 30


def test_a_hand_made_population_gives_the_known_weighted_share_exactly():
    # Ten schools all said yes, ten nursing homes all said no; there are three times as many
    # nursing homes: unweighted 50 %, weighted 25 %.
    weights = post_stratification({A: 100, B: 300}, {A: 10, B: 10})
    sums = WeightedSums()
    for stratum, yes in ((A, 10), (B, 0)):
        w = weights.of(stratum)
        sums = sums.plus(WeightedSums(10, 10 * w, 10 * w * w, yes * w, yes * w))
    estimate = weighted_share(sums)
    assert estimate.value == 0.25
    assert estimate.n == 20


def test_kish_effective_n_worked_example():
    # Weights 1, 1, 2 and 2: (1+1+2+2)^2 / (1+1+4+4) = 36 / 10.
    assert kish_effective_n(6, 10) == pytest.approx(3.6)
    # Equal weights lose nothing.
    assert kish_effective_n(20 * 3.0, 20 * 9.0) == pytest.approx(20)


def test_weighting_widens_the_interval():
    equal = weighted_share(WeightedSums(20, 20, 20, 10, 10))
    # Ten answers weigh 1 and ten weigh 4; half of each said yes: still 50 %, but less sure.
    unequal = weighted_share(WeightedSums(20, 10 * 1 + 10 * 4, 10 * 1 + 10 * 16, 5 * 1 + 5 * 4, 5 * 1 + 5 * 4))
    assert unequal.value == equal.value == 0.5
    assert (unequal.high - unequal.low) > (equal.high - equal.low)


def test_weighted_mean_of_equal_weights_is_the_plain_mean():
    values = [40.0, 60.0, 80.0]
    estimate = weighted_mean(WeightedSums(3, 3, 3, sum(values), sum(v * v for v in values)))
    assert estimate.value == 60


def test_strata_without_enough_respondents_are_merged_within_their_type():
    east = ("primary_school", "ostlandet")
    north = ("primary_school", "nord-norge")
    middle = ("primary_school", "trondelag")
    population = {A: 100, east: 50, north: 30, middle: 20}
    weights = post_stratification(population, {A: 10, east: 2, north: 0, middle: 1}, min_respondents=3)
    assert weights.merged == {east: ("primary_school", "*"), north: ("primary_school", "*"),
                              middle: ("primary_school", "*")}  # fmt: skip
    assert weights.of(east) == weights.of(north) == weights.of(middle) == 100 / 3
    assert weights.of(A) == 100 / 10
    assert weights.unrepresented == ()


def test_a_pool_still_too_small_takes_in_the_types_smallest_strata():
    # One respondent for 80 workplaces would be a weight of 80, and it would tell anyone
    # who knows the 80 that one school answered there: the pool takes in the next stratum.
    east, north = ("primary_school", "ostlandet"), ("primary_school", "nord-norge")
    middle = ("primary_school", "trondelag")
    population = {A: 100, middle: 60, east: 50, north: 30}
    weights = post_stratification(population, {A: 10, middle: 4, east: 1, north: 0}, min_respondents=3)
    pool = ("primary_school", "*")
    assert weights.merged == {middle: pool, east: pool, north: pool}
    assert weights.of(east) == weights.of(middle) == 140 / 5
    assert weights.of(A) == 10


def test_a_type_too_small_as_a_whole_is_pooled_with_the_other_small_types():
    nursing, other = ("nursing_home", "ostlandet"), ("other", "nord-norge")
    population = {A: 100, nursing: 40, other: 10}
    weights = post_stratification(population, {A: 10, nursing: 2, other: 2}, min_respondents=3)
    everything = ("*", "*")
    assert weights.merged == {nursing: everything, other: everything}
    assert weights.of(nursing) == weights.of(other) == 50 / 4
    assert weights.of(A) == 10


def test_a_type_without_any_respondent_is_reported_as_unrepresented():
    weights = post_stratification({A: 100, B: 40}, {A: 10})
    assert weights.unrepresented == (B,)
    assert weights.of(B) == 0


@pytest.fixture
def skewed_round(barometer_data, national_round, register):
    """Eager schools (all innovators), reluctant nursing homes (none): 12 of each answered."""
    region = Region.objects.get(code="vestlandet")
    municipality = Municipality.objects.filter(county__region=region).first()
    build = ResponseBuilder(national_round)
    for _ in range(12):
        build.submitted(workplace_type=WorkplaceType.PRIMARY_SCHOOL, municipality=municipality, answers=innovator())
        build.submitted(workplace_type=WorkplaceType.NURSING_HOME, municipality=municipality,
                        answers=non_innovator())  # fmt: skip
    PopulationCell.objects.create(round=national_round, workplace_type="primary_school", region=region, workplaces=100)
    PopulationCell.objects.create(round=national_round, workplace_type="nursing_home", region=region, workplaces=300)
    return national_round


def innovated(report):
    return next(row for row in report.rows if row.indicator.key == "innovated").estimate


def test_reports_are_weighted_by_default_and_unweighted_on_request(skewed_round):
    weighted = aggregate_report(skewed_round, Filter())
    assert weighted.weighted and innovated(weighted).value == pytest.approx(0.25)
    plain = aggregate_report(skewed_round, Filter(), weighted=False)
    assert not plain.weighted and plain.weighting_available
    assert innovated(plain).value == pytest.approx(0.5)
    assert innovated(plain).n == innovated(weighted).n == 24


def test_the_staff_page_switches_between_weighted_and_unweighted(admin_client, skewed_round):
    page = admin_client.get(f"/statistikk/?round={skewed_round.pk}")
    assert innovated(page.context["report"]).value == pytest.approx(0.25)
    assert "vekting=av" in page.content.decode()
    plain = admin_client.get(f"/statistikk/?round={skewed_round.pk}&vekting=av")
    assert innovated(plain.context["report"]).value == pytest.approx(0.5)


def test_a_round_without_population_data_says_its_figures_are_unweighted(barometer_data, national_round, register):
    build = ResponseBuilder(national_round)
    for _ in range(6):
        build.submitted(workplace_type=WorkplaceType.KINDERGARTEN, municipality=Municipality.objects.first(),
                        answers=innovator())  # fmt: skip
    report = aggregate_report(national_round, Filter())
    assert not report.weighted and not report.weighting_available


def test_population_files_are_checked_whole(national_round, register):
    good = "workplace_type,region,workplaces\nprimary_school,vestlandet,120\nnursing_home,nord-norge,40\n"
    assert load_population(national_round, io.StringIO(good)) == 2
    with pytest.raises(PopulationFileError) as excinfo:
        load_population(national_round, io.StringIO("workplace_type,region,workplaces\nschool,mars,-1\n"))
    assert "line 2" in excinfo.value.errors[0] and "mars" in excinfo.value.errors[0]
    assert PopulationCell.objects.filter(round=national_round).count() == 2
    with pytest.raises(CommandError, match="No round"):
        call_command("load_population", "--round", "nope", "x.csv")


def test_types_too_small_together_take_in_the_smallest_stratum_left():
    nursing, other = ("nursing_home", "ostlandet"), ("other", "nord-norge")
    health = ("health_centre", "trondelag")
    population = {A: 100, nursing: 40, other: 10, health: 30}
    weights = post_stratification(population, {A: 10, nursing: 1, other: 1, health: 7}, min_respondents=3)
    everything = ("*", "*")
    assert weights.merged == {nursing: everything, other: everything, health: everything}
    assert weights.of(health) == 80 / 9
    assert weights.of(A) == 10


def test_a_population_count_too_large_for_the_column_is_refused(national_round, register):
    """On PostgreSQL this ended in a DataError traceback ("integer out of range")."""
    with pytest.raises(PopulationFileError) as excinfo:
        load_population(national_round, io.StringIO("workplace_type,region,workplaces\nkindergarten,vestlandet,"
                                                    "99999999999\n"))  # fmt: skip
    assert excinfo.value.errors == [
        "line 2: workplaces: 99999999999 is larger than 2147483647, the largest number that can be stored"
    ]
    assert not PopulationCell.objects.exists()


def test_a_population_file_with_only_its_header_keeps_the_population(national_round, register, tmp_path):
    load_population(national_round, io.StringIO("workplace_type,region,workplaces\nkindergarten,vestlandet,120\n"))
    path = tmp_path / "population.csv"
    path.write_text("workplace_type,region,workplaces\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"nothing was loaded.\n  the file has no rows"):
        call_command("load_population", "--round", national_round.slug, str(path))
    assert PopulationCell.objects.get(round=national_round).workplaces == 120


@pytest.mark.parametrize(("text", "expected"), [("1 234", 1234), ("1\u00a0234", 1234), ("1\u202f234", 1234)])
def test_population_counts_accept_digits_grouped_by_spaces(national_round, register, text, expected):
    data = f"workplace_type,region,workplaces\nkindergarten,vestlandet,{text}\n"
    assert load_population(national_round, io.StringIO(data)) == 1
    assert PopulationCell.objects.get().workplaces == expected


@pytest.mark.parametrize("text", ["٣", "1_000", "-1", "1.5", "12 34"])
def test_population_counts_are_read_in_ascii_digits_only(national_round, register, text):
    data = f"workplace_type,region,workplaces\nkindergarten,vestlandet,{text}\n"
    with pytest.raises(PopulationFileError) as excinfo:
        load_population(national_round, io.StringIO(data))
    assert excinfo.value.errors == [
        f"line 2: workplaces {text!r} is not a whole number of 0 or more (digits 0-9; thousands may be separated "
        "by a space)"
    ]
