"""The barometer's own data: published reference figures and indicator definitions.

Indicators are data, not code: each names a rule (a share, a mean or an index), the
question and option codes it reads, and the published figures it is compared with. Codes
are stable across question-set versions, so an indicator means the same in every round.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from barometer.engine.published import PublishedRange, UnreadableWording, published_range
from barometer.formatting import types_in_words, workplaces_in_words
from surveys.columns import in_stored_range
from surveys.i18n import translated
from surveys.models import SECTOR_OF_WORKPLACE_TYPE, Sector, WorkplaceType


class Edition(models.TextChoices):
    NO_2018 = "NO-2018", _("Norway, 2018 edition")
    NO_2020 = "NO-2020", _("Norway, 2020 edition")
    DK_2015 = "DK-2015", _("Denmark, 1st edition (2015)")
    DK_3 = "DK-3", _("Denmark, 3rd edition (2018–19)")


#: The workplace types an edition asked, where it did not ask every type the round asks:
#: KS' 2018 barometer asked unit managers in education and in health and care only
#: (../shared/domain/BAROMETER.md, section 1: "1,786 unit managers in health/care and
#: education"), not the round's "other" workplaces.
EDITION_COVERAGE: dict[str, frozenset[str]] = {
    Edition.NO_2018: frozenset(
        t for t, sector in SECTOR_OF_WORKPLACE_TYPE.items() if sector in (Sector.EDUCATION, Sector.HEALTH_CARE)
    ),
}


#: Who published each edition and the year it asked, as a sentence names them ("which KS did
#: not survey in 2018"): the notes that say a group holds types an edition did not ask name
#: the edition by these (``barometer.reports.scope.unasked_in_words``).
EDITION_PUBLISHER: dict[str, tuple[str, str]] = {
    Edition.NO_2018: ("KS", "2018"),
    Edition.NO_2020: ("KS", "2020"),
}


class Country(models.TextChoices):
    NORWAY = "NO", _("Norway")
    DENMARK = "DK", _("Denmark")


class Population(models.TextChoices):
    WORKPLACES = "workplaces", _("all workplaces")
    INNOVATORS = "innovators", _("workplaces with an innovation")
    NON_INNOVATORS = "non_innovators", _("workplaces without an innovation")
    INNOVATIONS = "innovations", _("innovations")


class Bound(models.TextChoices):
    EXACT = "exact", _("exactly")
    AT_LEAST = "at_least", _("over")
    ABOUT = "about", _("about")
    BELOW = "below", _("nearly")


class ReferenceFigure(models.Model):
    key = models.SlugField(_("key"), max_length=80, unique=True)
    statement_nb = models.CharField(_("statement (bokmål)"), max_length=300)
    statement_nn = models.CharField(_("statement (nynorsk)"), max_length=300, blank=True)
    statement_en = models.CharField(_("statement (English)"), max_length=300, blank=True)
    value = models.DecimalField(
        _("value (per cent)"),
        max_digits=5,
        decimal_places=1,
        help_text=_("'6 in 10' is stored as 60; 'over half' as 50 with the qualifier 'over'."),
    )
    bound = models.CharField(_("qualifier"), max_length=10, choices=Bound.choices, default=Bound.EXACT)
    wording_nb = models.CharField(_("published wording (bokmål)"), max_length=80)
    wording_nn = models.CharField(_("published wording (nynorsk)"), max_length=80, blank=True)
    wording_en = models.CharField(_("published wording (English)"), max_length=80, blank=True)
    edition = models.CharField(_("edition"), max_length=10, choices=Edition.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    population = models.CharField(_("who the figure is about"), max_length=20, choices=Population.choices)
    workplace_types = models.JSONField(
        _("workplace types"),
        default=list,
        blank=True,
        help_text=_("Empty when the figure covers all workplace types; otherwise the type codes it covers."),
    )
    range_low = models.DecimalField(
        _("lowest value the wording allows (per cent)"),
        max_digits=7,
        decimal_places=3,
        null=True,
        editable=False,
        help_text=_("Derived from the published wording: '6 in 10' allows 55 to 65."),
    )
    range_high = models.DecimalField(
        _("highest value the wording allows (per cent)"),
        max_digits=7,
        decimal_places=3,
        null=True,
        editable=False,
    )
    same_measure = models.BooleanField(
        _("measures what its indicator measures"),
        default=True,
        help_text=_(
            "Tick only when the figure answers the same question about the same population as its indicator "
            "(Norwegian workplaces, not Danish innovations; initiating, not a 'key role'). Only then does a "
            "round's figure get a verdict against it; otherwise it is shown beside it with its note."
        ),
    )
    source_title = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source address"), blank=True)
    note_nb = models.TextField(_("comparability note (bokmål)"), blank=True)
    note_nn = models.TextField(_("comparability note (nynorsk)"), blank=True)
    note_en = models.TextField(_("comparability note (English)"), blank=True)

    history = HistoricalRecords(verbose_name=_("reference figure history"))

    class Meta:
        ordering = ["edition", "key"]
        verbose_name = _("reference figure")
        verbose_name_plural = _("reference figures")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0, value__lte=100), name="referencefigure_value_is_a_percentage"
            ),
        ]

    statement = translated("statement")
    wording = translated("wording")
    note = translated("note")

    def __str__(self):
        return f"{self.get_edition_display()}: {self.statement_nb} ({self.wording_nb})"

    def save(self, *args, **kwargs):
        # The range is derived from the published wording every time, so it never drifts from it.
        self.range_low, self.range_high = self.derived_range()
        super().save(*args, **kwargs)

    @property
    def source_language(self) -> str:
        """The language of ``source_title`` (a BCP 47 tag for ``lang``): the source's title is
        given as published, bokmål for the Norwegian barometers, Danish for the Danish ones."""
        return "da" if self.country == Country.DENMARK else "nb"

    def clean(self):
        unknown = set(self.workplace_types or []) - set(WorkplaceType.values)
        if unknown:
            raise ValidationError(
                {"workplace_types": _("Unknown workplace type: %(types)s") % {"types": ", ".join(sorted(unknown))}},
                code="unknown_workplace_type",
            )
        try:
            published_range(self.wording_nb)
        except UnreadableWording:
            raise ValidationError(
                {
                    "wording_nb": _(
                        "Write the figure as published: a count such as “6 av 10”, a percentage such as “3 %”, "
                        "or “over halvparten”, with “om lag”, “over” or “nesten” where the source has them."
                    )
                },
                code="unreadable_wording",
            ) from None

    def derived_range(self) -> tuple[Decimal | None, Decimal | None]:
        """The range (per cent) the bokmål wording allows, else the English one; (None, None)
        when neither can be read."""
        for wording in (self.wording_nb, self.wording_en):
            try:
                allowed = published_range(wording or "")
            except UnreadableWording:
                continue
            return Decimal(str(allowed.low)), Decimal(str(allowed.high))
        return None, None

    def published_range(self) -> PublishedRange | None:
        """The stored range the wording allows, or None when it could not be read."""
        if self.range_low is None or self.range_high is None:
            return None
        return PublishedRange(float(self.range_low), float(self.range_high))

    @property
    def scope(self) -> str:
        """The workplace types the figure was published for, as a sentence names them
        ("primary and lower-secondary schools and kindergartens"; "" when all)."""
        return types_in_words([t for t in self.workplace_types or [] if t in WorkplaceType.values])

    @property
    def scope_beyond_population(self) -> str:
        """The scope, where the population's label does not name it already: a figure about
        all workplaces of some types says which in its population ("workplaces in the
        education and childhood sector"); one about innovators of some types does not."""
        if self.population == Population.WORKPLACES:
            return ""
        return self.scope

    @property
    def population_label(self) -> str:
        """Whom the figure is about, as written beside it: "all workplaces" only when it
        covers every workplace type; a figure about all workplaces of some types names them
        ("workplaces in the education and childhood sector", "primary and lower-secondary
        schools and kindergartens"); a figure about innovators of some types says so, and
        its scope says which."""
        if self.population == Population.WORKPLACES and self.workplace_types:
            return workplaces_in_words(self.workplace_types)
        return str(self.get_population_display())

    def covered_types(self) -> frozenset[str] | None:
        """The workplace types the figure is about: those it was published for, else those
        its edition asked (``EDITION_COVERAGE``); None when it covers every type."""
        if self.workplace_types:
            return frozenset(self.workplace_types)
        return EDITION_COVERAGE.get(self.edition)

    def applies_to(self, workplace_type: str) -> bool:
        """Whether a workplace of ``workplace_type`` belongs to the figure's population."""
        covered = self.covered_types()
        return covered is None or workplace_type in covered


class Rule(models.TextChoices):
    SHARE = "share", _("share choosing any of the options")
    MEAN = "mean", _("mean of a scale")
    INDEX = "index", _("index over several statements (0-100)")


class IndicatorQuerySet(models.QuerySet):
    def for_reports(self):
        return self.filter(active=True).order_by("position").prefetch_related("reference_figures")


class Indicator(models.Model):
    key = models.SlugField(_("key"), max_length=80, unique=True)
    position = in_stored_range(models.PositiveIntegerField(_("position"), default=0))
    active = models.BooleanField(_("shown in reports"), default=True)
    headline = models.BooleanField(
        _("headline"), default=False, help_text=_("Summed up at the top of the workplace report.")
    )
    rule = models.CharField(_("rule"), max_length=10, choices=Rule.choices)
    population = models.CharField(
        _("who the figure is about"),
        max_length=20,
        choices=[(p.value, p.label) for p in Population if p != Population.INNOVATIONS],
        help_text=_(
            "Whom the figure is about. The denominator is the workplaces that answered the questions, "
            "which the questionnaire's skip logic limits to this population."
        ),
    )
    question_codes = models.JSONField(_("question codes"), help_text=_('For example ["initiated_by"].'))
    option_codes = models.JSONField(
        _("option codes"), default=list, blank=True, help_text=_("Share: the options that count. Empty for means.")
    )
    min_count = in_stored_range(
        models.PositiveSmallIntegerField(
            _("minimum count"),
            default=1,
            help_text=_(
                "Share: how many of the options a workplace must have chosen to count (usually 1). "
                "Index: how many of the statements it must have answered."
            ),
        )
    )
    higher_is_favourable = models.BooleanField(
        _("higher is favourable"),
        null=True,
        blank=True,
        help_text=_("Whether a high value is what the barometer's findings point towards; empty when neither."),
    )
    name_nb = models.CharField(_("name (bokmål)"), max_length=200)
    name_nn = models.CharField(_("name (nynorsk)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    own_yes_nb = models.CharField(_("sentence when it holds (bokmål)"), max_length=300, blank=True)
    own_yes_nn = models.CharField(_("sentence when it holds (nynorsk)"), max_length=300, blank=True)
    own_yes_en = models.CharField(_("sentence when it holds (English)"), max_length=300, blank=True)
    own_no_nb = models.CharField(_("sentence when it does not (bokmål)"), max_length=300, blank=True)
    own_no_nn = models.CharField(_("sentence when it does not (nynorsk)"), max_length=300, blank=True)
    own_no_en = models.CharField(_("sentence when it does not (English)"), max_length=300, blank=True)
    share_clause_nb = models.CharField(
        _("what the share counts (bokmål)"),
        max_length=300,
        blank=True,
        help_text=_(
            # xgettext:no-python-format ("80 % of" is no conversion: the text is never %-formatted)
            "Share: the words that complete “80 % of nursing homes …” in the reports, for example "
            "“har tatt i bruk minst én innovasjon de siste to årene”. Without them a report names the "
            "share by the indicator's name."
        ),
    )
    share_clause_nn = models.CharField(_("what the share counts (nynorsk)"), max_length=300, blank=True)
    share_clause_en = models.CharField(_("what the share counts (English)"), max_length=300, blank=True)
    suggestion_nb = models.TextField(_("suggestion (bokmål)"), blank=True)
    suggestion_nn = models.TextField(_("suggestion (nynorsk)"), blank=True)
    suggestion_en = models.TextField(_("suggestion (English)"), blank=True)
    reference_figures = models.ManyToManyField(
        ReferenceFigure, blank=True, related_name="indicators", verbose_name=_("published figures")
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[reference_figures], verbose_name=_("indicator history"))

    class Meta:
        ordering = ["position", "key"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(condition=Q(rule__in=["share", "mean", "index"]), name="indicator_rule_known"),
        ]

    name = translated("name")
    own_yes = translated("own_yes")
    own_no = translated("own_no")
    suggestion = translated("suggestion")

    def __str__(self):
        return self.name_nb

    def clean(self):
        if self.key in Population.values:
            # A base is named after its population, or else after its first indicator's key: a
            # key like a population's name would give two bases one name at publishing.
            raise ValidationError(
                {
                    "key": _("A key may not be the name of a population (%(names)s).")
                    % {"names": ", ".join(Population.values)}
                },
                code="key_is_population",
            )
        if not isinstance(self.question_codes, list) or not all(isinstance(c, str) for c in self.question_codes):
            raise ValidationError({"question_codes": _("Give a list of question codes.")}, code="codes_list")
        if not self.question_codes:
            raise ValidationError({"question_codes": _("Give at least one question code.")}, code="codes_empty")
        if self.rule == Rule.SHARE and not self.option_codes:
            raise ValidationError({"option_codes": _("A share needs the options that count.")}, code="options_empty")

    @property
    def is_share(self) -> bool:
        return self.rule == Rule.SHARE


class StaffMembership(models.Model):
    """Ties a staff user to the municipality whose individual workplace reports they may read.

    Roles are Django groups (see the data migration ``create_staff_roles``): analysts read
    every aggregate and export; municipality staff read every aggregate and the reports of
    their own municipality's workplaces; admins are superusers.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_membership", verbose_name=_("user")
    )
    municipality = models.ForeignKey(
        "surveys.Municipality",
        on_delete=models.CASCADE,
        related_name="staff_memberships",
        verbose_name=_("municipality"),
    )

    class Meta:
        verbose_name = _("municipality staff membership")
        verbose_name_plural = _("municipality staff memberships")
        permissions = [
            ("view_aggregates", _("Can read aggregate benchmark reports")),
            ("export_raw_responses", _("Can export raw responses (no personal data)")),
            ("view_municipality_reports", _("Can read the reports of the own municipality's workplaces")),
            ("view_fieldwork", _("Can follow a round's response rates")),
        ]

    def __str__(self):
        return f"{self.user} – {self.municipality}"


class PublishedSnapshotQuerySet(models.QuerySet):
    def latest_for(self, round_id: int):
        return self.filter(round_id=round_id).order_by("-edition").first()


class PublishedSnapshot(models.Model):
    """A round's published figures, computed once, audited and never changed.

    ``figures`` holds every group of the fixed set with its shown figures (label, base,
    n, value, interval) or the reason it is hidden; see ``barometer.publishing``. A
    correction is a new edition, audited together with the editions already shown.
    """

    round = models.ForeignKey(
        "surveys.Round", on_delete=models.PROTECT, related_name="published_snapshots", verbose_name=_("round")
    )
    edition = in_stored_range(models.PositiveSmallIntegerField(_("edition")))
    published_at = models.DateTimeField(_("published"), default=timezone.now, editable=False)
    published_by = models.CharField(_("published by"), max_length=150, blank=True)
    figures = models.JSONField(_("figures"))
    audit = models.JSONField(_("audit"), help_text=_("What the disclosure audit checked, and how long it took."))

    objects = PublishedSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["round", "-edition"]
        verbose_name = _("published snapshot")
        verbose_name_plural = _("published snapshots")
        constraints = [
            models.UniqueConstraint(fields=["round", "edition"], name="publishedsnapshot_one_per_edition"),
        ]

    def __str__(self):
        return f"{self.round} – {self.edition}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A published snapshot never changes; publish a new edition instead."))
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A published snapshot is never deleted."))
