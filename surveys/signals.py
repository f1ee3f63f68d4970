"""Signals of the surveys app.

``question_set_publishing`` lets other apps veto publishing without ``surveys`` knowing them
(``surveys`` never imports ``barometer``). And the display conditions are many-to-many
relations, which bypass ``save``: they are locked here.
"""

from django.db.models.signals import m2m_changed
from django.dispatch import Signal, receiver

from .models import PublishedStructureError, Question, QuestionSetStatus, Section

#: Sent by ``surveys.services.questionsets.publish`` before a draft is published, with
#: ``question_set`` (the draft), ``structure`` (its content as ``export_questionset_data``
#: gives it) and ``previous_structure`` (the previous published version's, or None).
#: A receiver returns a list of messages, each naming what is wrong; any message refuses
#: the publication.
question_set_publishing = Signal()


@receiver(m2m_changed, sender=Section.show_if_options.through)
@receiver(m2m_changed, sender=Question.show_if_options.through)
def refuse_condition_change_when_published(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"pre_add", "pre_remove", "pre_clear"}:
        return
    if reverse:
        # instance is an Option; the changed items are sections or questions.
        owners = model.objects.filter(pk__in=pk_set) if pk_set else model.objects.none()
        locked = owners.exclude(question_set__status=QuestionSetStatus.DRAFT).exists()
        if action == "pre_clear":
            locked = instance.stored_set_status() != QuestionSetStatus.DRAFT
    else:
        locked = instance.stored_set_status() != QuestionSetStatus.DRAFT
    if locked:
        raise PublishedStructureError()
