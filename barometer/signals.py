"""Derived pages (reports, charts) are cached under a reference-data version: any change to
what they are drawn from bumps it, after the change commits."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from barometer.engine.benchmark import bump_reference_version
from barometer.models import Indicator, ReferenceFigure
from surveys.models import Option, Question, QuestionSet, Section, WordingChange


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
