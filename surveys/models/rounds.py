"""Survey rounds, invitations, responses and answers.

A round runs one published question set version. A response points at that exact version
(``Response.question_set``), so answers keep their meaning however the question set evolves.
Answers are one row per answered question; chosen options are rows of their own.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext_lazy as _

from ..columns import in_stored_range
from ..dates import on_the_calendar
from ..i18n import FALLBACK_LANGUAGE, LANGUAGES, current_language
from ..links import new_token, token_digest
from .questionnaire import Option, Question, QuestionSet, QuestionSetStatus
from .registers import Municipality, Workplace, WorkplaceType


class TokenDigestMixin:
    """Keeps ``token_digest`` (what lookups search by) in step with ``token``."""

    def save(self, *args, **kwargs):
        self.token_digest = token_digest(self.token) if self.token else None
        if kwargs.get("update_fields") is not None and "token" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "token_digest"}
        return super().save(*args, **kwargs)


class RoundKind(models.TextChoices):
    NATIONAL = "national", _("national round (invitations)")
    SELF_TEST = "self_test", _("open self-test")


class Round(models.Model):
    """A round of the survey. Its name exists in bokmål (``name``, required) and optionally in
    nynorsk and English (``name_nn``, ``name_en``); ``localized_name`` gives the name in the
    active language, falling back to bokmål, and ``str()`` uses it."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name (bokmål)"), max_length=200)
    name_nn = models.CharField(
        _("name (nynorsk)"), max_length=200, blank=True, help_text=_("Empty: the bokmål name is shown.")
    )
    name_en = models.CharField(
        _("name (English)"), max_length=200, blank=True, help_text=_("Empty: the bokmål name is shown.")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RoundKind.choices, default=RoundKind.NATIONAL)
    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("question set")
    )
    opens_at = models.DateTimeField(_("opens"), validators=[on_the_calendar])
    closes_at = models.DateTimeField(_("closes"), validators=[on_the_calendar])
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated demo data; labelled as such wherever it is shown.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # Set by the barometer when it publishes the round's results (a snapshot of figures
    # that never changes); from then on the round's answers are frozen here, without this
    # app knowing anything of the barometer.
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_opening"),
        ]

    def __str__(self):
        return self.localized_name

    @property
    def localized_name(self) -> str:
        """The name in the active language; bokmål where no translation is given."""
        language = current_language()
        return (getattr(self, f"name_{language}", "") if language != FALLBACK_LANGUAGE else "") or self.name

    @property
    def localized_name_html(self) -> str:
        """The name for HTML: escaped, and marked ``lang="nb"`` where it falls back to bokmål."""
        language = current_language()
        own = getattr(self, f"name_{language}", "") if language != FALLBACK_LANGUAGE else ""
        if own or language == FALLBACK_LANGUAGE:
            return conditional_escape(own or self.name)
        return format_html('<span lang="{}">{}</span>', FALLBACK_LANGUAGE, self.name)

    def clean(self):
        super().clean()
        if self.results_published and self.pk:
            saved = Round.objects.filter(pk=self.pk).values("opens_at", "closes_at", "question_set_id").first()
            if saved and (saved["closes_at"], saved["opens_at"]) != (self.closes_at, self.opens_at):
                raise ValidationError(
                    _("The round's results are published; its dates can no longer change."), code="results_published"
                )
        if (
            self.question_set_id
            and self.question_set.status != QuestionSetStatus.PUBLISHED
            and (self._state.adding or self._question_set_changed())
        ):
            raise ValidationError(
                {"question_set": _("A round must use a published question set.")}, code="unpublished_set"
            )
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The round must close after it opens.")}, code="dates_order")
        if not self._state.adding and self._question_set_changed() and self.responses.exists():
            raise ValidationError(
                {"question_set": _("The round already has responses; its question set cannot change.")},
                code="round_has_responses",
            )

    def _question_set_changed(self) -> bool:
        if self._state.adding:
            return True
        return Round.objects.filter(pk=self.pk).exclude(question_set_id=self.question_set_id).exists()

    @property
    def results_published(self) -> bool:
        return self.results_published_at is not None

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at

    def has_closed(self, at=None) -> bool:
        return (at or timezone.now()) >= self.closes_at

    def has_not_opened(self, at=None) -> bool:
        return (at or timezone.now()) < self.opens_at


class Invitation(TokenDigestMixin, models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("round"))
    workplace = models.ForeignKey(
        Workplace, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("workplace")
    )
    email = models.EmailField(_("manager's e-mail address"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=[(code, code) for code in LANGUAGES],
        default="nb",
        help_text=_("The language of the e-mails and the questionnaire's first page."),
    )
    token = models.CharField(
        _("token"),
        max_length=64,
        null=True,
        blank=True,
        default=new_token,
        editable=False,
        help_text=_("Removed after the retention period; the link then stops working."),
    )
    token_digest = models.CharField(_("token digest"), max_length=64, unique=True, null=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    last_reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    reminder_count = in_stored_range(models.PositiveSmallIntegerField(_("reminders sent"), default=0))

    class Meta:
        ordering = ["round", "workplace__name"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["round", "workplace"], name="invitation_unique_workplace_per_round"),
        ]

    def __str__(self):
        return f"{self.workplace} ({self.round})"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("in progress")
    SUBMITTED = "submitted", _("submitted")


class ResponseQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=ResponseStatus.SUBMITTED)

    def countable(self):
        """Submitted responses of national rounds: the only ones any aggregate may use."""
        return self.submitted().filter(round__kind=RoundKind.NATIONAL, workplace__isnull=False)


class Response(TokenDigestMixin, models.Model):
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="responses", verbose_name=_("round"))
    question_set = models.ForeignKey(
        QuestionSet,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("question set version"),
        help_text=_("The exact version the response answered."),
    )
    invitation = models.OneToOneField(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="response",
        verbose_name=_("invitation"),
    )
    workplace = models.ForeignKey(
        Workplace,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("workplace"),
        help_text=_("Empty for anonymous self-tests."),
    )
    token = models.CharField(
        _("resume token"),
        max_length=64,
        null=True,
        blank=True,
        editable=False,
        help_text=_("The self-test's own link; invited responses use the invitation link."),
    )
    token_digest = models.CharField(_("token digest"), max_length=64, unique=True, null=True, editable=False)
    # The workplace profile as it was when answering: from the register for invited
    # responses, from the respondent for self-tests. Benchmarks group by these.
    workplace_type = models.CharField(_("workplace type"), max_length=20, choices=WorkplaceType.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="responses", verbose_name=_("municipality")
    )
    employees = in_stored_range(models.PositiveIntegerField(_("number of employees"), null=True, blank=True))
    status = models.CharField(_("status"), max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT)
    language = models.CharField(_("language"), max_length=2, choices=[(code, code) for code in LANGUAGES], default="nb")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    source_id = models.CharField(
        _("source number"),
        max_length=64,
        blank=True,
        default="",
        help_text=_("For an imported answer: the paper form's or the source system's number; unique in a round."),
    )
    # The options a submitted response chose, as bits (see surveys.option_masks); NULL for
    # drafts and when the question set has too many options for them.
    option_bits_0 = in_stored_range(models.BigIntegerField(null=True, blank=True, editable=False))
    option_bits_1 = in_stored_range(models.BigIntegerField(null=True, blank=True, editable=False))
    option_bits_2 = in_stored_range(models.BigIntegerField(null=True, blank=True, editable=False))
    option_bits_3 = in_stored_range(models.BigIntegerField(null=True, blank=True, editable=False))

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["round", "status"], name="response_round_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "workplace"],
                condition=Q(workplace__isnull=False),
                name="response_one_per_workplace_and_round",
            ),
            models.UniqueConstraint(
                fields=["round", "source_id"], condition=~Q(source_id=""), name="response_unique_source_id_per_round"
            ),
            models.CheckConstraint(
                condition=Q(status=ResponseStatus.DRAFT, submitted_at__isnull=True)
                | Q(status=ResponseStatus.SUBMITTED, submitted_at__isnull=False),
                name="response_submitted_iff_timestamp",
            ),
            models.CheckConstraint(condition=Q(language__in=LANGUAGES), name="response_language_known"),
            models.CheckConstraint(
                condition=Q(workplace_type__in=WorkplaceType.values), name="response_workplace_type_known"
            ),
            models.CheckConstraint(
                condition=Q(employees__isnull=True) | Q(employees__gte=1), name="response_employees_positive"
            ),
        ]

    def __str__(self):
        who = self.workplace or _("self-test")
        return f"{who} / {self.round}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED

    @property
    def is_self_test(self) -> bool:
        return self.workplace_id is None

    @property
    def link_token(self) -> str:
        """The token of the link this response is answered and resumed through."""
        return self.invitation.token if self.invitation_id else self.token


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question"))
    number_value = in_stored_range(models.IntegerField(_("number"), null=True, blank=True))
    text_value = models.TextField(_("text"), blank=True)
    updated_at = models.DateTimeField(_("saved"), auto_now=True)

    class Meta:
        ordering = ["response", "question__section__position", "question__position"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_one_per_question_and_response"),
        ]

    def __str__(self):
        return f"{self.question.code} ({self.response_id})"


class AnswerChoice(models.Model):
    """One chosen option of an answer. ``response`` repeats ``answer.response`` so that the
    benchmark counts choices per response without joining through the answers."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="choices", verbose_name=_("answer"))
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="choices", verbose_name=_("option"))
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="choices", verbose_name=_("response"))

    class Meta:
        verbose_name = _("chosen option")
        verbose_name_plural = _("chosen options")
        constraints = [
            models.UniqueConstraint(fields=["answer", "option"], name="answerchoice_one_per_option"),
        ]
        indexes = [models.Index(fields=["response", "option"], name="answerchoice_response_option")]

    def __str__(self):
        return str(self.option)


#: Why a published round's population cells stay as they are.
PUBLISHED_POPULATION_MESSAGE = _("The round's results are published; its population can no longer change.")


class PopulationCell(models.Model):
    """How many workplaces of a type a region has, for weighting a round to its population.

    Loaded from a CSV for rounds without a register of invited workplaces (an open
    self-test, or answers imported from elsewhere). A national round with invitations uses
    its invitations as the population unless cells are loaded for it.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="population", verbose_name=_("round"))
    workplace_type = models.CharField(_("workplace type"), max_length=20, choices=WorkplaceType.choices)
    region = models.ForeignKey(
        "surveys.Region", on_delete=models.PROTECT, related_name="population_cells", verbose_name=_("region")
    )
    workplaces = in_stored_range(models.PositiveIntegerField(_("workplaces")))

    class Meta:
        ordering = ["round", "workplace_type", "region"]
        verbose_name = _("population cell")
        verbose_name_plural = _("population cells")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "workplace_type", "region"], name="populationcell_one_per_type_region_round"
            ),
        ]

    def __str__(self):
        return f"{self.round}: {self.get_workplace_type_display()}, {self.region} = {self.workplaces}"

    def clean(self):
        """Refuse a cell for a round with published results: its published weights were
        computed from the population as it was (``load_population`` refuses it too).
        Raises ``ValidationError`` on ``round``."""
        super().clean()
        if self.round_id and Round.objects.filter(pk=self.round_id, results_published_at__isnull=False).exists():
            raise ValidationError({"round": PUBLISHED_POPULATION_MESSAGE}, code="results_published")


class ReminderLog(models.Model):
    """Every reminder sent: who got what, when."""

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("invitation")
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    group = models.CharField(_("group reminded"), max_length=200, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [models.Index(fields=["invitation", "sent_at"], name="reminderlog_invitation_sent")]

    def __str__(self):
        return f"{self.invitation} {self.sent_at:%Y-%m-%d %H:%M}"


class ImportKind(models.TextChoices):
    RESPONSES = "responses", _("responses")
    INVITATIONS = "invitations", _("invitations")
    MUNICIPALITIES = "municipalities", _("municipalities")
    POPULATION = "population", _("population")


class ImportedFile(models.Model):
    """A file an import command has loaded: what, into which round, who and when.

    ``digest`` is the SHA-256 of the file's bytes. A responses file is refused a second time
    in the same round (a named constraint keeps it so); the other imports match what they
    load against what is stored, so a repeat changes nothing and is only recorded.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, null=True, blank=True, related_name="imported_files", verbose_name=_("round")
    )
    digest = models.CharField(_("SHA-256 digest"), max_length=64)
    file_name = models.CharField(_("file name"), max_length=255)
    rows = in_stored_range(models.PositiveIntegerField(_("rows")))
    imported_by = models.CharField(_("imported by"), max_length=150, blank=True)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("imported file")
        verbose_name_plural = _("imported files")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "digest"],
                condition=Q(kind="responses"),
                name="importedfile_responses_once_per_round",
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_kind_display()}, {self.imported_at:%Y-%m-%d %H:%M})"
