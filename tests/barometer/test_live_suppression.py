"""The live tier's small-group rule against a reader who adds and subtracts what it shows.

Workplace types nest in sectors, so a county's education sector is the sum of its primary
schools, kindergartens and upper-secondary schools, and all its workplaces the sum of the
sectors. A hidden type must not come back as "sector less the shown types", and a county
hidden in the breakdown by county must not come back as the sum of its sectors. The reader
here knows every count the rule lets a page show and solves for the rest exactly.
"""

from fractions import Fraction
from itertools import combinations, product

from hypothesis import given
from hypothesis import strategies as st

from barometer.engine.counting import Cell, CellTable
from barometer.engine.groups import TYPE_UNIONS, Filter
from barometer.engine.stats import Suppressed
from barometer.engine.suppression import ThresholdSuppression, protect_type_hierarchy
from surveys.models import SECTOR_OF_WORKPLACE_TYPE, Sector, WorkplaceType

THRESHOLD = 5
TYPES = tuple(WorkplaceType.values)
SECTORS = {sector: frozenset(t for t, s in SECTOR_OF_WORKPLACE_TYPE.items() if s == sector) for sector in Sector.values}


def rank(rows):
    """The rank of integer rows over the rationals (written apart from the rule's own
    elimination, so that the two check each other)."""
    matrix = [[Fraction(x) for x in row] for row in rows]
    result, column = 0, 0
    width = len(matrix[0]) if matrix else 0
    while result < len(matrix) and column < width:
        pivot = next((i for i in range(result, len(matrix)) if matrix[i][column]), None)
        if pivot is None:
            column += 1
            continue
        matrix[result], matrix[pivot] = matrix[pivot], matrix[result]
        for i in range(len(matrix)):
            if i != result and matrix[i][column]:
                factor = matrix[i][column] / matrix[result][column]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[result], strict=True)]
        result, column = result + 1, column + 1
    return result


def worked_out(target, shown_rows) -> bool:
    """Whether a reader who knows the shown rows' sums can work out the target's."""
    if not any(target):
        return False
    return rank([*shown_rows, target]) == rank(shown_rows) if shown_rows else False


def hierarchy_sets():
    return [frozenset(TYPES), *SECTORS.values(), *(frozenset([t]) for t in TYPES), *map(frozenset, TYPE_UNIONS)]


def assert_nothing_hidden_can_be_worked_out(sizes, sets, hidden):
    present = [t for t in TYPES if sizes.get(t, 0) > 0]

    def row(types_):
        return [int(t in types_) for t in present]

    shown = [row(types_) for types_ in sets if types_ not in hidden]
    for types_ in hidden:
        assert not worked_out(row(types_), shown), f"{sorted(types_)} can be worked out from {sizes}"
    small = [t for t in present if sizes[t] < THRESHOLD]
    for size in range(1, len(small) + 1):
        for chosen in combinations(small, size):
            if sum(sizes[t] for t in chosen) < THRESHOLD:
                assert not worked_out(row(chosen), shown), f"{chosen} together can be worked out from {sizes}"


def test_a_hidden_type_is_not_its_sector_less_the_shown_types():
    # Finnmark's education sector in a demo round: 15 primary schools, 18 kindergartens
    # and 3 upper-secondary schools. Hiding only the 3 left them as 36 - 15 - 18.
    sizes = {"primary_school": 15, "kindergarten": 18, "upper_secondary": 3, "nursing_home": 0}
    sets = hierarchy_sets()
    hidden = protect_type_hierarchy(sizes, sets, {}, THRESHOLD)
    assert hidden[frozenset(["upper_secondary"])] == Suppressed.TOO_FEW
    assert {frozenset(["primary_school"]), frozenset(["kindergarten"])} & set(hidden)
    assert frozenset(TYPES) not in hidden and SECTORS[Sector.EDUCATION] not in hidden
    assert_nothing_hidden_can_be_worked_out(sizes, sets, hidden)


def test_a_sector_of_one_type_is_hidden_with_it():
    sizes = {"primary_school": 20, "kindergarten": 30, "other": 8}
    other = frozenset(["other"])
    hidden = protect_type_hierarchy(sizes, hierarchy_sets(), {other: Suppressed.COMPLEMENT}, THRESHOLD)
    assert SECTORS[Sector.OTHER] in hidden  # the same eight workplaces under another name
    assert_nothing_hidden_can_be_worked_out(sizes, hierarchy_sets(), hidden)


def test_groups_of_nobody_are_never_hidden_and_large_groups_need_nothing():
    sizes = {"primary_school": 40, "kindergarten": 25, "nursing_home": 30}
    assert protect_type_hierarchy(sizes, hierarchy_sets(), {}, THRESHOLD) == {}


@given(
    sizes=st.fixed_dictionaries({t: st.integers(0, 14) for t in TYPES}),
    hidden_by_other_rules=st.sets(st.sampled_from(hierarchy_sets()), max_size=3),
)
def test_no_hidden_group_or_small_remainder_can_be_worked_out(sizes, hidden_by_other_rules):
    sets = hierarchy_sets()
    given_hidden = dict.fromkeys(hidden_by_other_rules, Suppressed.COMPLEMENT)
    hidden = protect_type_hierarchy(sizes, sets, given_hidden, THRESHOLD)
    assert set(hidden) >= {types_ for types_ in given_hidden if sum(sizes[t] for t in types_)}
    assert all(sum(sizes[t] for t in types_) > 0 for types_ in hidden)
    assert_nothing_hidden_can_be_worked_out(sizes, sets, hidden)


# -- through the policy, on a table of cells --


def table_of(counts: dict[tuple[str, str], int]) -> CellTable:
    """A cell table with one share indicator asked of every workplace; ``counts`` maps
    (workplace type, county number) to a number of workplaces."""
    cells = {
        Cell(workplace_type, 2, 3, county, 0): (n, (float(n), float(n // 2)))
        for (workplace_type, county), n in counts.items()
    }
    return CellTable(indicator_keys=("innovated",), widths=(2,), cells=cells)


def askable(counties):
    """Every group a staff filter can make of these counties and the type criteria."""
    type_criteria = [{}, *({"sector": s} for s in Sector.values), *({"workplace_type": t} for t in TYPES)]
    county_criteria = [{}, *({"county": c} for c in counties)]
    return [Filter(**{**a, **b}) for a, b in product(type_criteria, county_criteria)]


def assert_a_reader_learns_no_hidden_count(counts):
    table = table_of(counts)
    policy = ThresholdSuppression(THRESHOLD)
    unknowns = sorted(counts)

    def row(filter_):
        return [int(filter_.keep(Cell(t, 2, 3, c, 0))) for t, c in unknowns]

    decisions = {filter_: policy.decide(table, filter_) for filter_ in askable(sorted({c for _t, c in counts}))}
    shown = [row(f) for f, decision in decisions.items() if decision.group is None]
    for filter_, decision in decisions.items():
        if decision.group is not None:
            assert not worked_out(row(filter_), shown), f"{filter_.active()} can be worked out"
    return decisions


def test_a_countys_hidden_type_cannot_be_worked_out_from_its_sector():
    counts = {("primary_school", "56"): 15, ("kindergarten", "56"): 18, ("upper_secondary", "56"): 3}
    counts |= {("primary_school", "46"): 60, ("kindergarten", "46"): 70, ("upper_secondary", "46"): 20}
    counts |= {("nursing_home", "46"): 30, ("nursing_home", "56"): 12}
    decisions = assert_a_reader_learns_no_hidden_count(counts)
    assert decisions[Filter(county="56", workplace_type="upper_secondary")].group == Suppressed.TOO_FEW
    assert decisions[Filter(county="56", sector="education")].group is None
    assert decisions[Filter(county="56")].group is None


def test_a_county_hidden_in_the_breakdown_by_county_is_not_the_sum_of_its_sectors():
    # Three workplaces in county 03 hide it; county 11, the smallest other, is hidden with
    # it. Its primary schools and nursing homes were still shown, and they add up to it.
    counts = {("kindergarten", "03"): 3, ("primary_school", "11"): 6, ("nursing_home", "11"): 5}
    counts |= {("primary_school", "46"): 40, ("nursing_home", "46"): 30, ("primary_school", "50"): 35}
    counts |= {("nursing_home", "50"): 25}
    decisions = assert_a_reader_learns_no_hidden_count(counts)
    assert decisions[Filter(county="11")].group == Suppressed.COMPLEMENT
