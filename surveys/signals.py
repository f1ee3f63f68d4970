"""Signals of the surveys app.

``question_set_publishing`` lets other apps veto publishing without ``surveys`` knowing them
(``surveys`` never imports ``barometer``). And the display conditions are many-to-many
relations, which bypass ``save``: they are locked here. The public pages shared by
anonymous visitors (``surveys.shared_pages``) are dropped when what they show changes.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver

from .models import (
    County,
    Municipality,
    PublishedStructureError,
    Question,
    QuestionSet,
    QuestionSetStatus,
    Region,
    Round,
    Section,
)
from .shared_pages import clear_shared_pages

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


#: What the shared public pages show: the open self-test round, the published question set
#: (its introduction is on the front page) and the register the self-test's municipality
#: list is made from.
SHOWN_ON_SHARED_PAGES = (Round, QuestionSet, Region, County, Municipality)


def drop_shared_pages(sender, **kwargs) -> None:
    """Drop the kept public pages now, and again when the transaction commits: a page kept
    by another thread between the two would hold what was there before the change."""
    clear_shared_pages()
    transaction.on_commit(clear_shared_pages)


for model in SHOWN_ON_SHARED_PAGES:
    post_save.connect(drop_shared_pages, sender=model, dispatch_uid=f"shared-pages-save-{model.__name__}")
    post_delete.connect(drop_shared_pages, sender=model, dispatch_uid=f"shared-pages-delete-{model.__name__}")
