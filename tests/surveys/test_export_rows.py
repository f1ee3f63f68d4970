"""The raw export reads answers by ranges of response ids (issue 16): responses of other
rounds and drafts whose ids fall inside a chunk's range must not leak into its rows."""

from datetime import timedelta

from django.utils import timezone

from surveys.models import Round, RoundKind, WorkplaceType
from surveys.services.response_files import export_rows
from tests.builders import ResponseBuilder, innovator


def test_interleaved_rounds_export_only_their_own_answers(question_set, municipality, other_municipality):
    now = timezone.now()
    rounds = [
        Round.objects.create(
            slug=slug,
            name=slug,
            kind=RoundKind.NATIONAL,
            question_set=question_set,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=1),
        )
        for slug in ("a", "b")
    ]
    own, other = ResponseBuilder(rounds[0]), ResponseBuilder(rounds[1])
    expected = {}
    for _ in range(4):
        mine = own.submitted(
            workplace_type=WorkplaceType.PRIMARY_SCHOOL, municipality=municipality, answers=innovator(novelty=["first"])
        )
        expected[mine.pk] = "first"
        other.submitted(
            workplace_type=WorkplaceType.NURSING_HOME,
            municipality=other_municipality,
            answers=innovator(novelty=["copy"], role=["deputy"]),
        )
    header, *rows = list(export_rows(rounds[0], full=True))
    assert [row[0] for row in rows] == sorted(expected)
    novelty = header.index("novelty")
    role = header.index("role")
    assert [row[novelty] for row in rows] == ["first"] * 4
    assert all(row[role] == "unit_manager" for row in rows)
    assert {row[header.index("workplace_type")] for row in rows} == {WorkplaceType.PRIMARY_SCHOOL}
