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
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from surveys.dates import OSLO, in_oslo
from surveys.models import (
    Answer,
    AnswerChoice,
    Invitation,
    Municipality,
    Option,
    QuestionSet,
    ReminderLog,
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


def _resolve(options: _Options, drawn: list) -> list[list[tuple[int, int]]]:
    """(question code, option codes) pairs as lists of (option id, question id)."""
    return [[options(question_code, code) for code in option_codes] for question_code, option_codes in drawn]


def _store_answers(drawn_for: list[tuple[Response, list[list[tuple[int, int]]]]]) -> None:
    """Save each response's resolved answers (see ``_resolve``) as Answer and AnswerChoice
    rows, in bulk."""
    answers, chosen = [], []
    for response, drawn in drawn_for:
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


def register_municipalities() -> list[Municipality]:
    """The municipalities synthetic workplaces are placed in: the real register (SSB) when it
    is loaded, else whatever register there is (the tests' invented sample register)."""
    real = list(Municipality.objects.filter(is_sample=False).select_related("county"))
    return real or list(Municipality.objects.select_related("county"))


def generate_round(
    *,
    question_set: QuestionSet,
    slug: str,
    name: str,
    workplaces: int,
    seed: int = 2018,
    batch_size: int = 1000,
    progress=None,
    name_nn: str = "",
    name_en: str = "",
    opens_at=None,
    closes_at=None,
) -> Generated:
    """Create a synthetic national round with ``workplaces`` submitted responses.

    The round runs from ``opens_at`` (default: 60 days ago) to ``closes_at`` (default: in 30
    days); every response is submitted inside that window and before now. Workplaces are
    placed in the municipalities of ``register_municipalities()``, with a probability
    proportional to the square root of the population.
    """
    rng = random.Random(seed)
    now = timezone.now()
    opens_at = opens_at or now - timedelta(days=60)
    closes_at = closes_at or now + timedelta(days=30)
    latest_submission = min(now, closes_at)
    round_ = Round.objects.create(
        slug=slug,
        name=name,
        name_nn=name_nn,
        name_en=name_en,
        kind=RoundKind.NATIONAL,
        question_set=question_set,
        opens_at=opens_at,
        closes_at=closes_at,
        is_synthetic=True,
    )
    options = _Options(question_set)
    municipalities = register_municipalities()
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
                submitted = latest_submission - timedelta(days=rng.randint(0, 50), minutes=rng.randint(0, 1440))
                submitted = max(submitted, opens_at + timedelta(minutes=15))
                profiles.append((workplace_type, municipality, employees, submitted))
            Workplace.objects.bulk_create(batch_workplaces)
            # Answers are drawn first (in the same order as ever, so a seed gives the same
            # round), so each response is created with its option bit masks.
            drawn_answers = []
            for workplace_type, municipality, employees, _submitted in profiles:
                drawn = _answers(rng, workplace_type, employees, municipality.size_class, municipality.centrality)
                drawn_answers.append(_resolve(options, drawn))
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
            _store_answers(list(zip(responses, drawn_answers, strict=True)))
        made += count
        if progress:
            progress(made)
    bump_data_version(round_.pk)
    return Generated(round=round_, responses=made)


# The fieldwork demo: invented workplaces in real municipalities of a few counties, and how
# eagerly each county's workplaces answer (share of invitations opened), so that the
# dashboard's response rates differ by group.
FIELDWORK_COUNTIES = {"03": 0.8, "18": 0.6, "34": 0.55, "46": 0.7, "56": 0.45}
FIELDWORK_PLACE_NAMES = ["Solbakken", "Fjellvang", "Havgløtt", "Lia", "Bjørkely", "Furuly", "Granly", "Sjøbris",
                         "Elvebakken", "Myrvoll", "Tunet", "Åsen", "Nordlys", "Bekkedalen", "Lyngheim"]  # fmt: skip
FIELDWORK_TYPE_NAMES = {
    WorkplaceType.PRIMARY_SCHOOL: "skole",
    WorkplaceType.KINDERGARTEN: "barnehage",
    WorkplaceType.UPPER_SECONDARY: "videregående skole",
    WorkplaceType.NURSING_HOME: "sykehjem",
    WorkplaceType.HEALTH_CENTRE: "helsestasjon",
    WorkplaceType.OTHER: "tjenestekontor",
}
FIELDWORK_LANGUAGES = {"46": ("nn", "nb"), "15": ("nn", "nb")}  # Vestland answers mostly in nynorsk


@dataclass
class Fieldwork:
    round: Round
    invited: int
    opened: int
    started: int
    submitted: int
    reminders: int


def generate_fieldwork_round(
    *,
    question_set: QuestionSet,
    slug: str,
    name: str,
    name_nn: str = "",
    name_en: str = "",
    per_county: int = 40,
    municipalities_per_county: int = 5,
    seed: int = 2026,
) -> Fieldwork:
    """Create a synthetic national round in fieldwork: opened at 09:00 14 days ago, taking
    answers until and including the day 21 days from today (Norwegian time).

    In each county of ``FIELDWORK_COUNTIES`` (that the register has), ``per_county`` invented
    workplaces ("Demo: Solbakken skole", marked synthetic, e-mail at example.invalid) in up to
    ``municipalities_per_county`` real municipalities are invited. Invitations were sent when
    the round opened; a county's share of them is opened (a draft response), most opened ones
    are started (at least one answer) and some of those submitted, with answers drawn like
    ``generate_round``'s. Workplaces that had not submitted a week ago were reminded (one
    ReminderLog row each), and the least eager county was reminded again two days ago.
    Reproducible from ``seed``.
    """
    rng = random.Random(seed)
    now = timezone.now()
    # As an admin sets a round: it opened at 09:00 and takes answers until and including a
    # day (midnight, Norwegian time), not until the minute the demo happened to be made.
    today = in_oslo(now).date()
    opens_at = datetime.combine(today - timedelta(days=14), time(9), tzinfo=OSLO)
    closes_at = datetime.combine(today + timedelta(days=22), time(0), tzinfo=OSLO)
    first_reminder, second_reminder = now - timedelta(days=7), now - timedelta(days=2)
    round_ = Round.objects.create(
        slug=slug,
        name=name,
        name_nn=name_nn,
        name_en=name_en,
        kind=RoundKind.NATIONAL,
        question_set=question_set,
        opens_at=opens_at,
        closes_at=closes_at,
        is_synthetic=True,
    )
    options = _Options(question_set)
    by_county: dict[str, list[Municipality]] = {}
    for municipality in register_municipalities():
        by_county.setdefault(municipality.county.number, []).append(municipality)
    types, type_weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    counts = {"invited": 0, "opened": 0, "started": 0, "submitted": 0, "reminders": 0}
    laggard = min(FIELDWORK_COUNTIES, key=FIELDWORK_COUNTIES.get)
    # A workplace's name is unique within its municipality (a database constraint), and the
    # place names repeat: the second "Solbakken skole" in a municipality becomes "Solbakken skole 2".
    used_names: set[tuple[int, str]] = set()
    with transaction.atomic():
        for county, eagerness in FIELDWORK_COUNTIES.items():
            candidates = sorted(by_county.get(county, []), key=lambda m: m.number)
            if not candidates:
                continue
            chosen = rng.sample(candidates, min(municipalities_per_county, len(candidates)))
            for number in range(per_county):
                municipality = chosen[number % len(chosen)]
                workplace_type = rng.choices(types, type_weights)[0]
                low, high = TYPE_EMPLOYEES[workplace_type]
                place = FIELDWORK_PLACE_NAMES[number % len(FIELDWORK_PLACE_NAMES)]
                base_name = f"{place} {FIELDWORK_TYPE_NAMES[workplace_type]}"
                name, suffix = base_name, 1
                while (municipality.pk, name) in used_names:
                    suffix += 1
                    name = f"{base_name} {suffix}"
                used_names.add((municipality.pk, name))
                workplace = Workplace.objects.create(
                    name=f"Demo: {name} ({municipality.name})",
                    workplace_type=workplace_type,
                    municipality=municipality,
                    employees=rng.randint(low, high),
                    is_synthetic=True,
                )
                language = rng.choice(FIELDWORK_LANGUAGES.get(county, ("nb", "nb", "nb", "nn", "en")))
                invitation = Invitation.objects.create(
                    round=round_,
                    workplace=workplace,
                    email=f"leder-{slug}-{county}-{number + 1}@example.invalid",
                    language=language,
                    # Made when the round opened and sent an hour later, as an admin would:
                    # "Opprettet" today and "sendt" weeks ago read as a broken record.
                    created_at=opens_at,
                    sent_at=opens_at + timedelta(hours=1),
                )
                counts["invited"] += 1
                _fieldwork_progress(
                    rng,
                    options,
                    invitation,
                    eagerness,
                    now,
                    (first_reminder, second_reminder),
                    county if county == laggard else None,
                    counts,
                )
    bump_data_version(round_.pk)
    return Fieldwork(round=round_, **counts)


def _fieldwork_progress(rng, options, invitation, eagerness, now, reminder_times, laggard_county, counts) -> None:
    """Open, start, submit and remind one invitation of ``generate_fieldwork_round``."""
    first_reminder, second_reminder = reminder_times
    sent_at = invitation.sent_at
    opened = rng.random() < eagerness
    started = opened and rng.random() < 0.85
    submitted = started and rng.random() < 0.65
    # Those who answered early were never reminded; the others were, a week ago.
    early = submitted and rng.random() < 0.5
    reminded = [] if early else [first_reminder]
    if laggard_county and not submitted:
        reminded.append(second_reminder)
    for sent in reminded:
        # The group labels are those send_reminders writes (describe_group).
        group = "all" if sent == first_reminder else f"county={laggard_county}"
        ReminderLog.objects.create(invitation=invitation, sent_at=sent, group=group)
    if reminded:
        Invitation.objects.filter(pk=invitation.pk).update(last_reminded_at=reminded[-1], reminder_count=len(reminded))
        counts["reminders"] += len(reminded)
    if not opened:
        return
    window_start = sent_at if early or not reminded else reminded[0]
    window_end = first_reminder if early else now
    opened_at = window_start + (window_end - window_start) * rng.uniform(0.05, 0.9)
    workplace = invitation.workplace
    municipality = workplace.municipality
    response = Response.objects.create(
        round=invitation.round,
        question_set=invitation.round.question_set,
        invitation=invitation,
        workplace=workplace,
        workplace_type=workplace.workplace_type,
        municipality=municipality,
        employees=workplace.employees,
        language=invitation.language,
        started_at=opened_at,
        status=ResponseStatus.SUBMITTED if submitted else ResponseStatus.DRAFT,
        submitted_at=opened_at + timedelta(minutes=rng.randint(8, 25)) if submitted else None,
    )
    counts["opened"] += 1
    if not started:
        return
    counts["started"] += 1
    drawn = _resolve(
        options,
        list(
            _answers(
                rng, workplace.workplace_type, workplace.employees, municipality.size_class, municipality.centrality
            )
        ),
    )
    if not submitted:
        drawn = drawn[: rng.randint(1, 5)]  # stopped part-way through
    else:
        counts["submitted"] += 1
        # A submitted response carries its option bit masks, like one submitted in the app.
        chosen = [option_id for ids in drawn for option_id, _question in ids]
        Response.objects.filter(pk=response.pk).update(**mask_values(chosen, response.question_set_id))
    _store_answers([(response, drawn)])
