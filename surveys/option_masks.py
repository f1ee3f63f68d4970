"""Per-response option bit masks: which options a submitted response chose, as a few integers.

Each option of a question set has a bit position: its rank by id among the set's options
(a published set never changes its options, so the positions never move). A submitted
response stores the options it chose as ``MASK_WORDS`` non-negative 63-bit integers in
``Response.option_bits_0`` ... (bit ``p % 63`` of word ``p // 63``), so a count over a round
reads one row per response instead of joining every chosen option. 63 bits keep every word
positive in a signed BIGINT on every database.

The masks are written wherever a response becomes submitted with its answers (submitting,
importing, generating demo data) and are NULL for drafts and for a question set with more
than ``MASK_WORDS * BITS_PER_WORD`` options; readers then count from the answers instead.
``manage.py rebuild_option_masks`` recomputes them from the answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from .models import AnswerChoice, Option, QuestionSetStatus, Response, ResponseStatus

MASK_WORDS = 4
BITS_PER_WORD = 63
MASK_FIELDS = tuple(f"option_bits_{word}" for word in range(MASK_WORDS))

_POSITIONS: dict[int, dict[int, int]] = {}


def positions_of(option_ids: Iterable[int]) -> dict[int, int]:
    """Bit position by option id, given all the option ids of one question set; empty when
    the set has more options than the masks can hold."""
    ids = sorted(option_ids)
    return {option_id: index for index, option_id in enumerate(ids)} if len(ids) <= MASK_WORDS * BITS_PER_WORD else {}


def option_positions(question_set_id: int) -> dict[int, int]:
    """Bit position by option id for one question set (published sets cached per process)."""
    found = _POSITIONS.get(question_set_id)
    if found is not None:
        return found
    rows = list(
        Option.objects.filter(question__question_set_id=question_set_id).values_list(
            "pk", "question__question_set__status"
        )
    )
    positions = positions_of(option_id for option_id, _status in rows)
    if rows and rows[0][1] != QuestionSetStatus.DRAFT:
        _POSITIONS[question_set_id] = positions
    return positions


def masks(option_ids: Iterable[int], positions: dict[int, int]) -> tuple[int, ...] | None:
    """The ``MASK_WORDS`` words for the chosen ``option_ids``, or None when the masks cannot
    hold them (no positions, or an option of another set)."""
    if not positions:
        return None
    words = [0] * MASK_WORDS
    for option_id in option_ids:
        position = positions.get(option_id)
        if position is None:
            return None
        words[position // BITS_PER_WORD] |= 1 << (position % BITS_PER_WORD)
    return tuple(words)


def clear_cache() -> None:
    """Forget the positions cached in this process (tests, where ids are reused)."""
    _POSITIONS.clear()


def mask_values(
    option_ids: Iterable[int], question_set_id: int, *, positions: dict[int, int] | None = None
) -> dict[str, int | None]:
    """The mask fields of a submitted response that chose ``option_ids``, ready for
    ``update(**...)`` or a model's constructor. ``positions`` saves the lookup when the
    caller has the set's options at hand (``positions_of``)."""
    words = masks(option_ids, option_positions(question_set_id) if positions is None else positions)
    return dict(zip(MASK_FIELDS, words or (None,) * MASK_WORDS, strict=True))


def rebuild_option_masks(responses=None, *, batch_size: int = 2000) -> int:
    """Recompute the masks of ``responses`` (a Response queryset; every response when None)
    from their answers: submitted responses get their masks, drafts NULL. Returns the
    number of responses written."""
    queryset = Response.objects.all() if responses is None else responses
    written = 0
    ids = list(queryset.order_by("pk").values_list("pk", "question_set_id", "status"))
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        chosen: dict[int, list[int]] = defaultdict(list)
        for response_id, option_id in AnswerChoice.objects.filter(
            response_id__in=[pk for pk, _set, _status in batch]
        ).values_list("response_id", "option_id"):
            chosen[response_id].append(option_id)
        updated = []
        for pk, question_set_id, status in batch:
            values = (
                mask_values(chosen[pk], question_set_id)
                if status == ResponseStatus.SUBMITTED
                else dict.fromkeys(MASK_FIELDS)
            )
            updated.append(Response(pk=pk, **values))
        with transaction.atomic():
            Response.objects.bulk_update(updated, MASK_FIELDS)
        written += len(updated)
    return written
