"""Synthetic rounds for the demo and the benchmark script.

Answers are drawn, reproducibly from a seed, so that the national figures land near the
published 2018 marginals (88 % employees, 3 % voluntary organisations, 6 and 4 in 10
municipal collaboration by workplace type, ...). Every row made here is marked synthetic,
and every page that shows such a round says so.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from surveys.models import (
    Answer,
    AnswerChoice,
    Municipality,
    Option,
    QuestionSet,
    Response,
    ResponseStatus,
    Round,
    RoundKind,
    Workplace,
    WorkplaceType,
)
from surveys.option_masks import mask_values
from surveys.services.answering import bump_data_version

# How common each workplace type is among the generated workplaces, and its typical size.
TYPE_WEIGHTS = {
    WorkplaceType.PRIMARY_SCHOOL: 30,
    WorkplaceType.KINDERGARTEN: 35,
    WorkplaceType.NURSING_HOME: 18,
    WorkplaceType.UPPER_SECONDARY: 8,
    WorkplaceType.HEALTH_CENTRE: 6,
    WorkplaceType.OTHER: 3,
}
TYPE_EMPLOYEES = {
    WorkplaceType.PRIMARY_SCHOOL: (15, 90),
    WorkplaceType.KINDERGARTEN: (6, 35),
    WorkplaceType.NURSING_HOME: (25, 150),
    WorkplaceType.UPPER_SECONDARY: (40, 200),
    WorkplaceType.HEALTH_CENTRE: (5, 40),
    WorkplaceType.OTHER: (5, 60),
}
EDUCATION = {WorkplaceType.PRIMARY_SCHOOL, WorkplaceType.KINDERGARTEN, WorkplaceType.UPPER_SECONDARY}
ACTORS = ["leaders", "users", "private", "political", "voluntary", "research", "own_municipality",
          "outside_municipality", "unions", "other"]  # fmt: skip
ACTOR_WEIGHTS = [0.55, 0.22, 0.08, 0.12, 0.02, 0.07, 0.12, 0.08, 0.05, 0.04]


@dataclass
class Generated:
    round: Round
    responses: int


class _Options:
    def __init__(self, question_set: QuestionSet):
        self.by_code: dict[tuple[str, str], tuple[int, int]] = {}
        for pk, question_id, question_code, code in Option.objects.filter(
            question__question_set=question_set
        ).values_list("pk", "question_id", "question__code", "code"):
            self.by_code[(question_code, code)] = (pk, question_id)

    def __call__(self, question_code: str, option_code: str) -> tuple[int, int]:
        return self.by_code[(question_code, option_code)]


# The published findings the draw follows besides the marginals: larger workplaces innovate
# more easily; external actors start innovations more often in small and less central
# municipalities.
EXTERNAL_ACTORS = {"users", "private", "voluntary", "research", "own_municipality", "outside_municipality"}


def _actor_weights(size_class: int, centrality: int) -> list[float]:
    remoteness = (4 - size_class) / 3 * 0.5 + (centrality - 1) / 5 * 0.5  # 0 (big, central) .. 1
    boost = 0.6 + 0.9 * remoteness
    return [
        weight * (boost if actor in EXTERNAL_ACTORS else 1) for actor, weight in zip(ACTORS, ACTOR_WEIGHTS, strict=True)
    ]


def _answers(
    rng: random.Random, workplace_type: str, employees: int, size_class: int = 2, centrality: int = 3
) -> Iterator[tuple[str, list[str]]]:
    """(question code, chosen option codes) for one synthetic workplace."""
    yield "role", [rng.choices(["unit_manager", "deputy", "other_leader", "other"], [80, 12, 6, 2])[0]]
    education = workplace_type in EDUCATION
    innovator = rng.random() < (0.66 if education else 0.56) + min(employees, 150) / 600
    kinds = ["inc_services", "inc_processes", "inc_communication"]
    yes = set(rng.sample(kinds, rng.choice([1, 1, 2, 3]))) if innovator else set()
    for kind in kinds:
        yield kind, ["yes" if kind in yes else rng.choices(["no", "dont_know"], [85, 15])[0]]
    if not innovator:
        yield "work_in_progress", [rng.choices(["yes", "no", "dont_know"], [25, 65, 10])[0]]
    else:
        yield (
            "newest_type",
            sorted({{"inc_services": "service", "inc_processes": "process"}.get(k, "communication") for k in yes}),
        )
        yield "newest_break", [rng.choices(["breaks", "develops", "dont_know"], [30, 62, 8])[0]]
        yield "newest_technology", [rng.choices(["central", "supporting", "none", "dont_know"], [25, 45, 25, 5])[0]]
        yield "novelty", [rng.choices(["first", "adapted", "copy", "dont_know"], [10, 52, 32, 6])[0]]
        actor_weights = _actor_weights(size_class, centrality)
        employees_start = rng.random() < 0.60
        employees_carry = rng.random() < (0.70 if not employees_start else 0.80)
        for question, with_employees in (("initiated_by", employees_start), ("implemented_by", employees_carry)):
            chosen = ["employees"] if with_employees else []
            while len(chosen) < rng.choice([1, 2, 2, 3]):
                actor = rng.choices(ACTORS, actor_weights)[0]
                if actor not in chosen:
                    chosen.append(actor)
            yield question, chosen
        collaborates = rng.random() < (0.68 if education else 0.52)
        if not collaborates:
            yield "collaborated_with", ["none"]
            outside = False
        else:
            municipal = rng.random() < (0.87 if workplace_type in {"primary_school", "kindergarten"} else 0.78)
            chosen = set()
            if municipal:
                chosen |= {"own_municipality"} if rng.random() < 0.97 else set()
                if rng.random() < 0.35 or not chosen:
                    chosen.add("other_municipalities")
            for actor, p in (("state", 0.08), ("unions", 0.2), ("private", 0.18), ("research", 0.15),
                             ("users", 0.3), ("voluntary", 0.05)):  # fmt: skip
                if rng.random() < p:
                    chosen.add(actor)
            if not chosen:
                chosen.add("users")
            yield "collaborated_with", sorted(chosen)
            outside = "other_municipalities" in chosen
        values = [v for v, p in (("quality", 0.80 if outside else 0.70), ("efficiency", 0.40),
                                 ("avoided_costs", 0.18), ("employee_satisfaction", 0.42),
                                 ("business_value", 0.04), ("user_influence", 0.28)) if rng.random() < p]  # fmt: skip
        yield "value_created", values or ["dont_know"]
        yield "evaluated", [rng.choices(["internal", "external", "under_way", "planned", "no", "dont_know"],
                                        [40, 8, 12, 10, 25, 5])[0]]  # fmt: skip
        yield "spread", [rng.choices(["yes", "no", "dont_know"], [45, 45, 10])[0]]
        for factor in ("safe_operations", "mistakes", "internal_collaboration", "technology", "economy",
                       "employee_involvement", "user_involvement", "political"):  # fmt: skip
            yield f"factor_{factor}", [rng.choices(["1", "2", "3", "4", "5", "6", "dont_know", "not_relevant"],
                                                   [3, 5, 12, 22, 30, 20, 4, 4])[0]]  # fmt: skip
    lean = 0.5 if innovator else -0.4
    for item in ("risk", "openness", "recognition", "collaboration", "asking"):
        level = max(1, min(5, round(rng.gauss(3.7 + lean, 0.9))))
        code = ["strongly_disagree", "disagree", "neutral", "agree", "strongly_agree"][level - 1]
        yield f"culture_{item}", ["dont_know" if rng.random() < 0.03 else code]


def generate_round(
    *,
    question_set: QuestionSet,
    slug: str,
    name: str,
    workplaces: int,
    seed: int = 2018,
    batch_size: int = 1000,
    progress=None,
) -> Generated:
    """Create a synthetic national round with ``workplaces`` submitted responses."""
    rng = random.Random(seed)
    now = timezone.now()
    round_ = Round.objects.create(
        slug=slug,
        name=name,
        kind=RoundKind.NATIONAL,
        question_set=question_set,
        opens_at=now - timedelta(days=60),
        closes_at=now + timedelta(days=30),
        is_synthetic=True,
    )
    options = _Options(question_set)
    municipalities = list(Municipality.objects.all())
    weights = [max(m.population, 1) ** 0.5 for m in municipalities]
    types, type_weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    made = 0
    while made < workplaces:
        count = min(batch_size, workplaces - made)
        with transaction.atomic():
            batch_workplaces, profiles = [], []
            for number in range(made, made + count):
                workplace_type = rng.choices(types, type_weights)[0]
                low, high = TYPE_EMPLOYEES[workplace_type]
                municipality = rng.choices(municipalities, weights)[0]
                employees = rng.randint(low, high)
                batch_workplaces.append(
                    Workplace(
                        name=f"Syntetisk {WorkplaceType(workplace_type).label.lower()} {slug}-{number + 1}",
                        workplace_type=workplace_type,
                        municipality=municipality,
                        employees=employees,
                        is_synthetic=True,
                    )
                )
                submitted = now - timedelta(days=rng.randint(0, 50), minutes=rng.randint(0, 1440))
                profiles.append((workplace_type, municipality, employees, submitted))
            Workplace.objects.bulk_create(batch_workplaces)
            # Answers are drawn first (in the same order as ever, so a seed gives the same
            # round), so each response is created with its option bit masks.
            drawn_answers = []
            for workplace_type, municipality, employees, _submitted in profiles:
                drawn = _answers(rng, workplace_type, employees, municipality.size_class, municipality.centrality)
                drawn_answers.append(
                    [[options(question_code, code) for code in option_codes] for question_code, option_codes in drawn]
                )
            responses = Response.objects.bulk_create(
                [
                    Response(
                        round=round_,
                        question_set=question_set,
                        workplace=workplace,
                        workplace_type=workplace_type,
                        municipality=municipality,
                        employees=employees,
                        status=ResponseStatus.SUBMITTED,
                        language="nb",
                        started_at=submitted - timedelta(minutes=12),
                        submitted_at=submitted,
                        **mask_values([option_id for ids in drawn for option_id, _question in ids], question_set.pk),
                    )
                    for workplace, (workplace_type, municipality, employees, submitted), drawn in zip(
                        batch_workplaces, profiles, drawn_answers, strict=True
                    )
                ]
            )
            answers, chosen = [], []
            for response, drawn in zip(responses, drawn_answers, strict=True):
                for ids in drawn:
                    answers.append(Answer(response=response, question_id=ids[0][1]))
                    chosen.append([option_id for option_id, _question in ids])
            Answer.objects.bulk_create(answers, batch_size=5000)
            AnswerChoice.objects.bulk_create(
                [
                    AnswerChoice(answer=answer, option_id=option_id, response_id=answer.response_id)
                    for answer, option_ids in zip(answers, chosen, strict=True)
                    for option_id in option_ids
                ],
                batch_size=10000,
            )
        made += count
        if progress:
            progress(made)
    bump_data_version(round_.pk)
    return Generated(round=round_, responses=made)
