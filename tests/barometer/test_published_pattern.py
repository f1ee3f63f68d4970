"""A dataset built to the published 2018 pattern comes back exactly, through the SQL layer
and through the workplace report."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from barometer.engine.counting import cell_table
from barometer.engine.figures import RoundFigures, resolved_indicators
from barometer.engine.groups import Filter, peer_filters
from barometer.engine.indicators import evaluate
from barometer.reports.workplace import build_workplace_report, chosen_option_ids
from surveys.models import Municipality, Response, WorkplaceType
from surveys.services.answering import bump_data_version
from tests.builders import ResponseBuilder, innovator, non_innovator, publish


@pytest.fixture
def published_pattern(barometer_data, national_round, register):
    """100 innovators (50 primary schools, 50 nursing homes) and 20 non-innovators:
    88 % of innovators had employees initiate or implement, 3 % collaborated with voluntary
    organisations, 60 % of the schools and 40 % of the nursing homes collaborated
    municipally."""
    build = ResponseBuilder(national_round)
    municipalities = list(Municipality.objects.order_by("number"))
    for i in range(100):
        school = i < 50
        index_in_type = i if school else i - 50
        municipal = index_in_type < (30 if school else 20)
        collaboration = ["own_municipality"] if municipal else ["users"] if i % 2 else ["none"]
        if i in (1, 3, 5):  # three of the non-municipal odd ones add a voluntary organisation
            collaboration = [*collaboration, "voluntary"] if "none" not in collaboration else ["voluntary"]
        answers = innovator(
            initiated_by=["employees"] if i < 60 else ["leaders"],
            implemented_by=["employees", "leaders"] if 60 <= i < 88 else ["leaders"],
            collaborated_with=collaboration,
        )
        build.submitted(
            workplace_type=WorkplaceType.PRIMARY_SCHOOL if school else WorkplaceType.NURSING_HOME,
            municipality=municipalities[i % len(municipalities)],
            answers=answers,
        )
    for i in range(20):
        build.submitted(
            workplace_type=WorkplaceType.KINDERGARTEN, municipality=municipalities[i], answers=non_innovator()
        )
    return national_round


def test_the_query_layer_returns_the_published_shares_exactly(published_pattern):
    figures = RoundFigures(published_pattern, weighted=False)
    group = figures.group(Filter())
    responses, national = group.responses, group.figures
    assert responses == 120
    assert national["innovated"].value == pytest.approx(100 / 120)
    employees = national["employees-initiated-or-implemented"]
    assert (employees.n, employees.value) == (100, 0.88)
    assert national["collaboration-voluntary"].value == 0.03
    by_type = {
        workplace_type: figures.group(Filter(workplace_type=workplace_type))["municipal-collaboration"].value
        for workplace_type in (WorkplaceType.PRIMARY_SCHOOL, WorkplaceType.NURSING_HOME)
    }
    assert by_type == {WorkplaceType.PRIMARY_SCHOOL: 0.6, WorkplaceType.NURSING_HOME: 0.4}


def test_sql_and_the_single_workplace_rule_agree(published_pattern):
    resolved = resolved_indicators(published_pattern.question_set_id)
    table = cell_table(published_pattern, [item.spec for item in resolved])
    _responses, sums = table.total()
    for item in resolved:
        own = [evaluate(item.spec, chosen_option_ids(r)) for r in Response.objects.countable()]
        applies = [value for value in own if value.applies]
        if item.spec.is_share:
            assert sums[item.spec.key] == (len(applies), sum(v.value for v in applies)), item.spec.key
        else:
            n, total, _squares = sums[item.spec.key]
            assert (n, total) == pytest.approx((len(applies), sum(v.value for v in applies))), item.spec.key


def test_the_workplace_report_shows_the_same_numbers(published_pattern):
    snapshot = publish(published_pattern)
    response = Response.objects.filter(workplace_type=WorkplaceType.NURSING_HOME).first()
    report = build_workplace_report(response)
    rows = {row.indicator.key: row for row in report.rows}
    # The report shows the published snapshot's numbers (the round's pattern where the rule
    # lets them be shown; hidden where it does not, as in the snapshot).
    groups = {entry["key"]: entry for entry in snapshot.figures["groups"]}
    for key, group in (("employees-initiated-or-implemented", "national"), ("collaboration-voluntary", "national")):
        assert rows[key].national.value == groups[group]["indicators"][key]["value"]
    municipal = rows["municipal-collaboration"]
    peer = next(p for p in municipal.peers if p.kind == "workplace_type").estimate
    assert peer.value == groups["workplace_type=nursing_home"]["indicators"]["municipal-collaboration"]["value"]
    assert rows["collaboration-voluntary"].national.value in (0.03, None)
    # The published figure shown is the one for nursing homes, not the one for schools.
    assert [f.wording_nb for f in municipal.norway] == ["4 av 10"]
    assert "work-in-progress" not in rows  # an innovator is not in that population


def test_results_are_cached_until_a_response_is_submitted(published_pattern):
    def counted() -> bool:
        with CaptureQueriesContext(connection) as queries:
            _ = RoundFigures(published_pattern).table
        return any("surveys_answerchoice" in query["sql"] for query in queries.captured_queries)

    assert counted()
    assert not counted()  # served from the shared cache
    bump_data_version(published_pattern.pk)  # what the submit service does after commit
    assert counted()


def test_peer_groups_are_separate_not_intersected(published_pattern):
    municipality = Municipality.objects.get(number="9901")
    groups = peer_filters(
        workplace_type=WorkplaceType.PRIMARY_SCHOOL,
        size_class=municipality.size_class,
        centrality=municipality.centrality,
        county=municipality.county,
    )
    resolved = resolved_indicators(published_pattern.question_set_id)
    table = cell_table(published_pattern, [item.spec for item in resolved])
    sizes = [table.total(filter_.keep)[0] for _kind, _label, filter_ in groups]
    assert sizes[0] == 50  # every primary school, wherever it is
    assert all(size > 0 for size in sizes)
