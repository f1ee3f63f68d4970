"""Cached figures are stored under each round's figures version (``barometer.engine.cache``).
These receivers bump the parts of it that ``surveys`` does not bump itself, after the
change commits: reference data (indicators, reference figures, question texts), the
register (municipality size, centrality and county; a county's region; a workplace's
type), and a round's population (population cells, invitations).
And a question-set version that would break an active indicator is refused before it is
published."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from barometer.engine.cache import bump_reference_version, bump_register_version
from barometer.engine.comparability import lost_codes
from barometer.models import Indicator, ReferenceFigure
from barometer.reports.findings import extra_specs
from surveys.models import (
    County,
    Invitation,
    Municipality,
    Option,
    PopulationCell,
    Question,
    QuestionSet,
    Region,
    Section,
    WordingChange,
    Workplace,
)
from surveys.services.answering import bump_data_versions_on_commit
from surveys.signals import question_set_publishing


@receiver(post_save, sender=Indicator)
@receiver(post_delete, sender=Indicator)
@receiver(post_save, sender=ReferenceFigure)
@receiver(post_delete, sender=ReferenceFigure)
@receiver(m2m_changed, sender=Indicator.reference_figures.through)
@receiver(post_save, sender=WordingChange)
@receiver(post_save, sender=QuestionSet)
@receiver(post_save, sender=Section)
@receiver(post_save, sender=Question)
@receiver(post_save, sender=Option)
def reference_data_changed(**kwargs):
    transaction.on_commit(bump_reference_version)


@receiver(question_set_publishing)
def refuse_losing_indicator_codes(sender, question_set, structure, previous_structure, **kwargs) -> list[str]:
    """Refuse a version that drops a question or option code an active indicator (or a
    published finding's own specification) names: its figure would silently change meaning
    (a renamed option counts as nothing)."""
    named = [
        (indicator.key, indicator.question_codes, indicator.option_codes or [], [])
        for indicator in Indicator.objects.filter(active=True).order_by("position", "key")
    ] + [
        (
            key,
            spec["question_codes"],
            spec.get("option_codes", []),
            [*spec.get("required", []), *spec.get("excluded", [])],
        )
        for key, spec in extra_specs().items()
    ]
    errors = []
    for key, question_codes, option_codes, option_refs in named:
        for lost in lost_codes(question_codes, option_codes, structure, previous_structure, option_refs):
            if lost.option is None:
                message = _(
                    "Indicator “%(indicator)s” names question “%(question)s”, which this version does not have."
                )
            else:
                message = _(
                    "Indicator “%(indicator)s” names option “%(option)s” of question “%(question)s”, "
                    "which this version does not have."
                )
            errors.append(message % {"indicator": key, "question": lost.question, "option": lost.option})
    return errors


@receiver(post_save, sender=Municipality)
@receiver(post_delete, sender=Municipality)
@receiver(post_save, sender=County)
@receiver(post_delete, sender=County)
@receiver(post_save, sender=Region)
@receiver(post_delete, sender=Region)
@receiver(post_save, sender=Workplace)
@receiver(post_delete, sender=Workplace)
def register_changed(**kwargs):
    transaction.on_commit(bump_register_version)


@receiver(post_save, sender=PopulationCell)
@receiver(post_delete, sender=PopulationCell)
@receiver(post_delete, sender=Invitation)
def population_changed(instance, **kwargs):
    bump_data_versions_on_commit([instance.round_id])


@receiver(post_save, sender=Invitation)
def invitation_added(instance, created, **kwargs):
    # Invitations are the population of a round without a population table; later saves
    # (sent, opened) change no figure.
    if created:
        population_changed(instance)
