"""Versioned question sets: sets hold ordered sections, sections hold ordered questions,
choice questions hold ordered options.

A published (or retired) question set is immutable in structure, because every response
points at the exact version it answered: editing a live form would silently change the
meaning of answers already given. Only texts (the ``*_nb``/``*_nn``/``*_en`` columns) may be
corrected afterwards, and every such correction is recorded as a ``WordingChange``. The
rule is enforced here, in the model layer (``save``, ``delete`` and the queryset's
``update``, ``delete`` and ``bulk_create``), so no code path can get around it.
"""

from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..columns import in_stored_range
from ..i18n import LANGUAGES, text_field_names, translated


class PublishedStructureError(ValidationError):
    """A change to the structure of a published or retired question set."""

    def __init__(self, message=None):
        super().__init__(
            message
            or _("This question set is published. Its structure cannot be changed; make a new version instead."),
            code="published_immutable",
        )


class QuestionSetStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    RETIRED = "retired", _("retired")


class QuestionKind(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("multiple choice")
    YES_NO_DONT_KNOW = "yes_no_dont_know", _("yes / no / don't know")
    AGREEMENT = "agreement", _("agreement scale")
    RATING = "rating", _("rating scale 1-6")
    NUMBER = "number", _("number")
    TEXT = "text", _("free text")

    @classmethod
    def with_options(cls) -> set[str]:
        return {cls.SINGLE_CHOICE, cls.MULTIPLE_CHOICE, cls.YES_NO_DONT_KNOW, cls.AGREEMENT, cls.RATING}


class ConditionMode(models.TextChoices):
    ANY = "any", _("show if any of the options was chosen")
    NONE = "none", _("show only if none of the options was chosen")


class StructureQuerySet(models.QuerySet):
    """Refuses bulk writes that would change the structure of a non-draft question set."""

    def locked(self):
        return self.exclude(**{self.model.status_lookup: QuestionSetStatus.DRAFT})

    def update(self, **kwargs):
        texts = set(kwargs) & set(self.model.text_fields())
        structural = set(kwargs) - texts - set(self.model.unlocked_fields)
        locked = self.locked()
        if structural and locked.exists():
            raise PublishedStructureError()
        with transaction.atomic(using=self.db):
            if texts:
                for obj in locked:
                    if obj.record_wording_changes({field: (getattr(obj, field), kwargs[field]) for field in texts}):
                        # The update below does not write the revision: bump it in the database.
                        obj.bump_owning_revision()
            return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        if self.locked().exists():
            raise PublishedStructureError()
        return super().delete()

    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        for obj in objs:
            obj.check_may_add()
        return super().bulk_create(objs, *args, **kwargs)


class QuestionSetPart(models.Model):
    """Shared behaviour of question sets and their parts: structure lock and text fields."""

    #: The lookup from this model to the owning set's status.
    status_lookup = "question_set__status"
    #: The names of the translated texts on this model (each has _nb, _nn and _en).
    translated_texts: tuple[str, ...] = ()

    objects = StructureQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        locked = self.stored_set_status() != QuestionSetStatus.DRAFT
        if not locked:
            return super().save(*args, **kwargs)
        if self._state.adding:
            raise PublishedStructureError()
        with transaction.atomic():
            stored = type(self).objects.select_for_update().get(pk=self.pk)
            if any(getattr(stored, f.attname) != getattr(self, f.attname) for f in self.structural_fields()):
                raise PublishedStructureError()
            texts = {field: (getattr(stored, field), getattr(self, field)) for field in self.text_fields()}
            if self.record_wording_changes(texts):
                if self.owning_set() is self:
                    # This save writes the set's own row, revision included: an update of the
                    # revision beforehand would be overwritten. The row is locked, so the
                    # stored revision is the latest.
                    self.revision = stored.revision + 1
                else:
                    self.bump_owning_revision()
            return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.stored_set_status() != QuestionSetStatus.DRAFT:
            raise PublishedStructureError()
        return super().delete(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.stored_set_status() == QuestionSetStatus.DRAFT:
            return
        if self._state.adding:
            raise PublishedStructureError()
        stored = type(self).objects.get(pk=self.pk)
        changed = [
            f.verbose_name for f in self.structural_fields() if getattr(stored, f.attname) != getattr(self, f.attname)
        ]
        if changed:
            raise PublishedStructureError(
                _("This question set is published; these fields cannot change: %(fields)s.")
                % {"fields": ", ".join(str(name) for name in changed)}
            )

    @classmethod
    def text_fields(cls) -> list[str]:
        return [name for base in cls.translated_texts for name in text_field_names(base)]

    @classmethod
    def structural_fields(cls) -> list[models.Field]:
        texts = set(cls.text_fields())
        return [
            f
            for f in cls._meta.concrete_fields
            if not f.primary_key and f.name not in texts and f.name not in cls.unlocked_fields
        ]

    #: Fields that may change on a published set besides texts (bookkeeping only).
    unlocked_fields: tuple[str, ...] = ()

    def owning_set(self) -> "QuestionSet | None":
        """The question set this part belongs to, or None while its parent is not chosen
        yet (a form posted without one)."""
        raise NotImplementedError

    def stored_set_status(self) -> str:
        """The owning set's status as stored now (not as edited in memory). A part without
        a parent yet, or with a parent not stored, counts as a draft's: the form names the
        missing parent."""
        owner = self.owning_set()
        if owner is None or owner.pk is None:
            return QuestionSetStatus.DRAFT
        return QuestionSet.objects.values_list("status", flat=True).get(pk=owner.pk)

    def check_may_add(self) -> None:
        if self.stored_set_status() != QuestionSetStatus.DRAFT:
            raise PublishedStructureError()

    def label_for_history(self) -> str:
        return str(self)

    def record_wording_changes(self, texts: dict[str, tuple[str, str]]) -> bool:
        """Record each text that changes, ``{field: (old, new)}``, as a ``WordingChange``.

        Returns whether any changed. The caller bumps the owning set's revision once for
        them (``bump_owning_revision``, or the set's own save): readers cache a set's
        structure and its rendered pages under its revision, so a new text needs a new one.
        """
        changed = False
        for field, (old, new) in texts.items():
            if old == new:
                continue
            changed = True
            WordingChange.objects.create(
                question_set_id=self.owning_set().pk,
                object_type=str(self._meta.verbose_name),
                object_label=self.label_for_history()[:200],
                field=field,
                old_text=old or "",
                new_text=new or "",
            )
        return changed

    def bump_owning_revision(self) -> None:
        """Count one more wording correction on the owning set, in the database."""
        QuestionSet.objects.filter(pk=self.owning_set().pk).update(revision=models.F("revision") + 1)


#: A section or question code: it becomes a column of the response export (and a variable
#: in the statistics tools analysts read it into, whose names start with a letter and hold
#: no dot, hyphen or space), the first half of a "question.option" reference, and for a
#: section a part of the page's address.
CODE_PATTERN = r"[a-z][a-z0-9_]*"
#: An option code: the second half of a "question.option" reference and of a
#: multiple-choice question's column; a scale's options are its numbers ("1" to "6").
OPTION_CODE_PATTERN = r"[a-z0-9_]+"
#: A question set's slug: names the set on the command line and in addresses.
SLUG_PATTERN = r"[a-z0-9]+(?:[-_][a-z0-9]+)*"

validate_code = RegexValidator(
    rf"\A{CODE_PATTERN}\Z",
    _("Use a lowercase letter a-z first, then lowercase letters, digits and _."),
    "invalid_code",
)
validate_option_code = RegexValidator(
    rf"\A{OPTION_CODE_PATTERN}\Z", _("Use lowercase letters a-z, digits and _."), "invalid_code"
)
validate_set_slug = RegexValidator(
    rf"\A{SLUG_PATTERN}\Z", _("Use lowercase letters a-z and digits, with - or _ between them."), "invalid_slug"
)


class QuestionSet(QuestionSetPart):
    slug = models.SlugField(_("slug"), max_length=80, validators=[validate_set_slug])
    version = in_stored_range(models.PositiveIntegerField(_("version")))
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionSetStatus.choices, default=QuestionSetStatus.DRAFT
    )
    title_nb = models.CharField(_("title (bokmål)"), max_length=200)
    title_nn = models.CharField(_("title (nynorsk)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    intro_nb = models.TextField(_("introduction (bokmål)"), blank=True)
    intro_nn = models.TextField(_("introduction (nynorsk)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    revision = in_stored_range(
        models.PositiveIntegerField(
            _("text revision"), default=0, editable=False, help_text=_("Counts wording corrections after publishing.")
        )
    )

    history = HistoricalRecords(verbose_name=_("question set history"))

    status_lookup = "status"
    translated_texts = ("title", "intro")
    unlocked_fields = ("status", "published_at", "revision")

    class Meta:
        ordering = ["slug", "-version"]
        verbose_name = _("question set")
        verbose_name_plural = _("question sets")
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="questionset_unique_slug_version"),
            models.CheckConstraint(
                condition=Q(status=QuestionSetStatus.DRAFT) | Q(published_at__isnull=False),
                name="questionset_published_has_timestamp",
            ),
        ]

    title = translated("title")
    intro = translated("intro")

    def __str__(self):
        return f"{self.slug} v{self.version} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            stored = self.stored_set_status()
            if stored != QuestionSetStatus.DRAFT and self.status == QuestionSetStatus.DRAFT:
                raise PublishedStructureError(
                    _("A published question set cannot go back to draft; make a new version.")
                )
        return super().save(*args, **kwargs)

    def owning_set(self):
        return self

    def stored_set_status(self):
        if self._state.adding:
            return QuestionSetStatus.DRAFT
        return QuestionSet.objects.values_list("status", flat=True).get(pk=self.pk)

    @property
    def is_draft(self) -> bool:
        return self.status == QuestionSetStatus.DRAFT


class Condition(models.Model):
    """Shared fields of sections and questions that are shown only on a condition."""

    show_if_mode = models.CharField(
        _("display condition"),
        max_length=4,
        choices=ConditionMode.choices,
        default=ConditionMode.ANY,
        help_text=_("Used only when condition options are chosen below."),
    )

    class Meta:
        abstract = True

    @cached_property
    def condition_option_ids(self) -> frozenset[int]:
        """The ids of the condition's options (read once per instance: the questionnaire
        keeps one instance per question-set revision, ``surveys.questionnaire``)."""
        return frozenset(option.pk for option in self.show_if_options.all())

    def condition_holds(self, chosen_option_ids: set[int]) -> bool:
        """Whether the item is shown, given every option chosen so far in the response."""
        required = self.condition_option_ids
        if not required:
            return True
        hit = bool(required & chosen_option_ids)
        return hit if self.show_if_mode == ConditionMode.ANY else not hit


class Section(QuestionSetPart, Condition):
    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.CASCADE, related_name="sections", verbose_name=_("question set")
    )
    code = models.SlugField(_("code"), max_length=60, validators=[validate_code])
    position = in_stored_range(models.PositiveIntegerField(_("position")))
    title_nb = models.CharField(_("title (bokmål)"), max_length=200)
    title_nn = models.CharField(_("title (nynorsk)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    intro_nb = models.TextField(_("introduction (bokmål)"), blank=True)
    intro_nn = models.TextField(_("introduction (nynorsk)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    show_if_options = models.ManyToManyField(
        "Option",
        blank=True,
        related_name="+",
        verbose_name=_("condition options"),
        help_text=_("The section is shown depending on whether any of these options was chosen."),
    )

    history = HistoricalRecords(m2m_fields=[show_if_options], verbose_name=_("section history"))

    translated_texts = ("title", "intro")

    class Meta:
        ordering = ["question_set", "position"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["question_set", "code"], name="section_unique_code_per_set"),
            models.UniqueConstraint(fields=["question_set", "position"], name="section_unique_position_per_set"),
        ]

    title = translated("title")
    intro = translated("intro")

    def __str__(self):
        return f"{self.code}: {self.title_nb}"

    def owning_set(self):
        return self.question_set if self.question_set_id else None


class Question(QuestionSetPart, Condition):
    question_set = models.ForeignKey(
        QuestionSet,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("question set"),
        editable=False,
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section"))
    code = models.SlugField(
        _("code"), max_length=60, help_text=_("Stable machine name used in exports."), validators=[validate_code]
    )
    position = in_stored_range(models.PositiveIntegerField(_("position")))
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    required = models.BooleanField(_("required"), default=True)
    max_choices = in_stored_range(
        models.PositiveSmallIntegerField(
            _("maximum number of choices"), null=True, blank=True, help_text=_("Multiple choice only.")
        )
    )
    min_value = in_stored_range(models.IntegerField(_("smallest number"), null=True, blank=True))
    max_value = in_stored_range(models.IntegerField(_("largest number"), null=True, blank=True))
    max_length = in_stored_range(models.PositiveIntegerField(_("maximum length"), null=True, blank=True))
    text_nb = models.TextField(_("question (bokmål)"))
    text_nn = models.TextField(_("question (nynorsk)"), blank=True)
    text_en = models.TextField(_("question (English)"), blank=True)
    help_nb = models.TextField(_("help text (bokmål)"), blank=True)
    help_nn = models.TextField(_("help text (nynorsk)"), blank=True)
    help_en = models.TextField(_("help text (English)"), blank=True)
    show_if_options = models.ManyToManyField(
        "Option",
        blank=True,
        related_name="+",
        verbose_name=_("condition options"),
        help_text=_("The question is shown depending on whether any of these options was chosen."),
    )

    history = HistoricalRecords(m2m_fields=[show_if_options], verbose_name=_("question history"))

    translated_texts = ("text", "help")

    class Meta:
        ordering = ["question_set", "section__position", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["question_set", "code"], name="question_unique_code_per_set"),
            models.UniqueConstraint(fields=["section", "position"], name="question_unique_position_per_section"),
            models.CheckConstraint(
                condition=Q(max_choices__isnull=True) | Q(kind=QuestionKind.MULTIPLE_CHOICE),
                name="question_max_choices_only_for_multiple",
            ),
            models.CheckConstraint(
                condition=Q(max_choices__isnull=True) | Q(max_choices__gte=1),
                name="question_max_choices_positive",
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="question_number_bounds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(max_length__isnull=True) | Q(kind=QuestionKind.TEXT),
                name="question_max_length_only_for_text",
            ),
        ]

    text = translated("text")
    help = translated("help")

    def __str__(self):
        return f"{self.code}: {self.text_nb[:60]}"

    def save(self, *args, **kwargs):
        # The set is stored on the question too, so codes can be unique per set in the database.
        self.question_set_id = self.section.question_set_id
        return super().save(*args, **kwargs)

    def owning_set(self):
        if self.section_id:
            return self.section.question_set
        return self.question_set if self.question_set_id else None

    def validate_constraints(self, exclude=None):
        """The constraints, the code's uniqueness in its set included: a form leaves out the
        set (it follows the section, ``clean``), and Django skips a constraint on a field
        left out, so a code the set already had reached the database (a 500 in the admin)."""
        if exclude and self.section_id:
            exclude = set(exclude) - {"question_set"}
        super().validate_constraints(exclude=exclude)

    def clean(self):
        if self.section_id:
            self.question_set_id = self.section.question_set_id
        super().clean()
        if self.max_choices and self.kind != QuestionKind.MULTIPLE_CHOICE:
            raise ValidationError(
                {"max_choices": _("Only multiple-choice questions have a maximum number of choices.")},
                code="max_choices_kind",
            )
        if self.max_length and self.kind != QuestionKind.TEXT:
            raise ValidationError(
                {"max_length": _("Only free-text questions have a maximum length.")}, code="max_length_kind"
            )
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValidationError(
                {"max_value": _("The largest number must not be smaller than the smallest.")},
                code="bounds_order",
            )

    @property
    def has_options(self) -> bool:
        return self.kind in QuestionKind.with_options()

    @property
    def allows_many(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE_CHOICE


class Option(QuestionSetPart):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question"))
    code = models.SlugField(
        _("code"), max_length=60, help_text=_("Stable machine name used in exports."), validators=[validate_option_code]
    )
    position = in_stored_range(models.PositiveIntegerField(_("position")))
    score = models.DecimalField(
        _("score"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Numeric value for means and indexes; empty for answers such as 'don't know'."),
    )
    exclusive = models.BooleanField(
        _("exclusive"),
        default=False,
        help_text=_("Cannot be combined with other choices (for 'none' and 'don't know')."),
    )
    label_nb = models.CharField(_("label (bokmål)"), max_length=300)
    label_nn = models.CharField(_("label (nynorsk)"), max_length=300, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)

    history = HistoricalRecords(verbose_name=_("option history"))

    status_lookup = "question__question_set__status"
    translated_texts = ("label",)

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="option_unique_code_per_question"),
            models.UniqueConstraint(fields=["question", "position"], name="option_unique_position_per_question"),
        ]

    label = translated("label")

    def __str__(self):
        return f"{self.question.code}.{self.code}"

    def owning_set(self):
        return self.question.owning_set() if self.question_id else None


class WordingChange(models.Model):
    """A correction of a text in a published question set, kept for the record."""

    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.CASCADE, related_name="wording_changes", verbose_name=_("question set")
    )
    object_type = models.CharField(_("object type"), max_length=40)
    object_label = models.CharField(_("object"), max_length=200)
    field = models.CharField(_("field"), max_length=40)
    old_text = models.TextField(_("old text"), blank=True)
    new_text = models.TextField(_("new text"), blank=True)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("wording change")
        verbose_name_plural = _("wording changes")

    def __str__(self):
        return f"{self.object_label} {self.field} ({self.changed_at:%Y-%m-%d %H:%M})"


__all__ = [
    "LANGUAGES",
    "ConditionMode",
    "Option",
    "PublishedStructureError",
    "Question",
    "QuestionKind",
    "QuestionSet",
    "QuestionSetStatus",
    "Section",
    "WordingChange",
]
