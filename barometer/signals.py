"""Cached figures are stored under each round's figures version (``barometer.engine.cache``).
These receivers bump the parts of it that ``surveys`` does not bump itself, after the
change commits: reference data (indicators, reference figures, question texts), the
register (municipality size, centrality and county; a county's region; a workplace's
type), and a round's population (population cells, invitations)."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from barometer.engine.cache import bump_reference_version, bump_register_version
from barometer.models import Indicator, ReferenceFigure
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
from surveys.services.answering import bump_data_version


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
    round_id = instance.round_id
    transaction.on_commit(lambda: bump_data_version(round_id))


@receiver(post_save, sender=Invitation)
def invitation_added(instance, created, **kwargs):
    # Invitations are the population of a round without a population table; later saves
    # (sent, opened) change no figure.
    if created:
        population_changed(instance)
