"""Registers the answers are described by: regions, counties, municipalities and workplaces.

The municipality register follows SSB: a four-digit number, the county, the population and
the six-class centrality index. The size class is derived from the population in the bands
the barometer reports by, as a generated column so reports can group by it in SQL.
"""

import re
import string
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, When
from django.utils.translation import gettext_lazy as _

from ..columns import in_stored_range

# The Central Coordinating Register for Legal Entities (Enhetsregisteret, Brønnøysund):
# nine digits, the last a modulus-11 check digit over the first eight with these weights.
ORGANISATION_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def organisation_number_check_digit(first_eight: str) -> int | None:
    """The check digit of an organisation number's first eight digits, or None where the
    remainder gives 10 (no number is issued with those eight digits). Source: Brønnøysund
    Register Centre, "Organisasjonsnummeret" (modulus 11, weights 3 2 7 6 5 4 3 2)."""
    pairs = zip(first_eight, ORGANISATION_NUMBER_WEIGHTS, strict=True)
    remainder = sum(int(digit) * weight for digit, weight in pairs) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else check


def is_organisation_number(value: str) -> bool:
    """True when ``value`` is nine digits whose last is the right check digit."""
    return (
        len(value) == 9
        and value.isascii()
        and value.isdigit()
        and organisation_number_check_digit(value[:8]) == int(value[8])
    )


def validate_organisation_number(value: str) -> None:
    """Django validator: raises ValidationError unless ``value`` is a valid organisation number."""
    if not is_organisation_number(value):
        raise ValidationError(
            _("%(value)s is not an organisation number (nine digits with a valid check digit)."),
            code="invalid_organisation_number",
            params={"value": value},
        )


_PUNCTUATION = str.maketrans(dict.fromkeys(string.punctuation + "«»–—‘’“”´`", " "))


def normalised_name(name: str) -> str:
    """A workplace name as compared for identity: Unicode-normalised (NFKC), case-folded,
    punctuation removed and whitespace collapsed. ``"Eikely  Barnehage."`` gives
    ``"eikely barnehage"``."""
    text = unicodedata.normalize("NFKC", name).casefold().translate(_PUNCTUATION)
    return re.sub(r"\s+", " ", text).strip()


class Sector(models.TextChoices):
    EDUCATION = "education", _("Education and childhood")
    HEALTH_CARE = "health_care", _("Health and care")
    OTHER = "other", _("Other")


class WorkplaceType(models.TextChoices):
    PRIMARY_SCHOOL = "primary_school", _("Primary and lower-secondary school")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    UPPER_SECONDARY = "upper_secondary", _("Upper-secondary school")
    NURSING_HOME = "nursing_home", _("Nursing home")
    HEALTH_CENTRE = "health_centre", _("Health centre and school health service")
    OTHER = "other", _("Other workplace")


SECTOR_OF_WORKPLACE_TYPE = {
    WorkplaceType.PRIMARY_SCHOOL: Sector.EDUCATION,
    WorkplaceType.KINDERGARTEN: Sector.EDUCATION,
    WorkplaceType.UPPER_SECONDARY: Sector.EDUCATION,
    WorkplaceType.NURSING_HOME: Sector.HEALTH_CARE,
    WorkplaceType.HEALTH_CENTRE: Sector.HEALTH_CARE,
    WorkplaceType.OTHER: Sector.OTHER,
}


class SizeClass(models.IntegerChoices):
    UNDER_5000 = 1, _("under 5,000 inhabitants")
    FROM_5000 = 2, _("5,000–19,999 inhabitants")
    FROM_20000 = 3, _("20,000–49,999 inhabitants")
    FROM_50000 = 4, _("50,000 inhabitants or more")


class Centrality(models.IntegerChoices):
    # SSB's sentralitetsindeks, six classes; 1 is the most central.
    MOST_CENTRAL = 1, _("1 - most central")
    CLASS_2 = 2, _("2")
    CLASS_3 = 3, _("3")
    CLASS_4 = 4, _("4")
    CLASS_5 = 5, _("5")
    LEAST_CENTRAL = 6, _("6 - least central")


def size_class_for(population: int) -> int:
    """The size class of a municipality with ``population`` inhabitants."""
    if population < 5_000:
        return SizeClass.UNDER_5000
    if population < 20_000:
        return SizeClass.FROM_5000
    if population < 50_000:
        return SizeClass.FROM_20000
    return SizeClass.FROM_50000


class Region(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = in_stored_range(models.PositiveSmallIntegerField(_("position"), default=0))

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class County(models.Model):
    number = models.CharField(_("county number"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="counties", verbose_name=_("region"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=r"^[0-9]{2}$"), name="county_number_two_digits"),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"


class Municipality(models.Model):
    number = models.CharField(_("municipality number"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )
    population = in_stored_range(models.PositiveIntegerField(_("number of inhabitants")))
    centrality = in_stored_range(models.PositiveSmallIntegerField(_("centrality class"), choices=Centrality.choices))
    size_class = models.GeneratedField(
        expression=Case(
            When(population__lt=5_000, then=SizeClass.UNDER_5000.value),
            When(population__lt=20_000, then=SizeClass.FROM_5000.value),
            When(population__lt=50_000, then=SizeClass.FROM_20000.value),
            default=SizeClass.FROM_50000.value,
        ),
        output_field=models.PositiveSmallIntegerField(choices=SizeClass.choices),
        db_persist=True,
        verbose_name=_("size class"),
    )
    is_sample = models.BooleanField(
        _("sample"), default=False, help_text=_("Invented for demonstration and tests; not a real municipality.")
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=r"^[0-9]{4}$"), name="municipality_number_four_digits"),
            models.CheckConstraint(
                condition=Q(centrality__gte=1, centrality__lte=6), name="municipality_centrality_1_to_6"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"


class Workplace(models.Model):
    name = models.CharField(_("name"), max_length=200)
    workplace_type = models.CharField(_("workplace type"), max_length=20, choices=WorkplaceType.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="workplaces", verbose_name=_("municipality")
    )
    employees = in_stored_range(models.PositiveIntegerField(_("number of employees"), null=True, blank=True))
    external_id = models.CharField(
        _("external identifier"),
        max_length=40,
        null=True,
        blank=True,
        unique=True,
        help_text=_("For example the organisation number; used to match imported workplace lists."),
    )
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=9,
        null=True,
        blank=True,
        validators=[validate_organisation_number],
        help_text=_("The nine digits of the Central Coordinating Register for Legal Entities."),
    )
    name_key = models.CharField(
        _("name for matching"),
        max_length=200,
        null=True,
        blank=True,
        editable=False,
        help_text=_("The name case-folded, without punctuation; unique within the municipality."),
    )
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated demo data, not a real workplace.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("workplace")
        verbose_name_plural = _("workplaces")
        indexes = [models.Index(fields=["workplace_type"], name="workplace_type_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(workplace_type__in=WorkplaceType.values), name="workplace_type_known"),
            models.CheckConstraint(
                condition=Q(organisation_number__isnull=True) | Q(organisation_number__regex=r"^[0-9]{9}$"),
                name="workplace_organisation_number_nine_digits",
            ),
            models.UniqueConstraint(fields=["organisation_number"], name="workplace_unique_organisation_number"),
            # Workplaces that were duplicates before this rule keep name_key NULL (see
            # migration 0010); every workplace saved since has one.
            models.UniqueConstraint(
                fields=["municipality", "name_key"],
                condition=Q(name_key__isnull=False),
                name="workplace_unique_name_in_municipality",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The key follows the name; a legacy duplicate (NULL key) gets one only when renamed.
        if self._state.adding or self.name_key is not None or self._name_changed():
            self.name_key = normalised_name(self.name)
            if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
                kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        # name_key is not on forms, so the constraint on it is checked here, by the name.
        if self.name and self.municipality_id:
            namesakes = Workplace.objects.filter(
                municipality_id=self.municipality_id, name_key=normalised_name(self.name)
            )
            if namesakes.exclude(pk=self.pk).exists():
                raise ValidationError(
                    {"name": _("The municipality already has a workplace with this name.")}, code="duplicate_name"
                )

    def _name_changed(self) -> bool:
        return not Workplace.objects.filter(pk=self.pk, name=self.name).exists()

    @property
    def sector(self) -> str:
        return SECTOR_OF_WORKPLACE_TYPE[self.workplace_type]
