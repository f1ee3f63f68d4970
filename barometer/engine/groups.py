"""Groups of workplaces: the filters staff choose, the peer groups of a workplace report,
and unions of workplace types that the published findings compare. Pure: a group is a
predicate over counting cells (``barometer.engine.counting.Cell``)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from barometer.engine.counting import Cell
from barometer.formatting import upper_first, workplaces_of_type
from surveys.models import SECTOR_OF_WORKPLACE_TYPE, Centrality, County, SizeClass, WorkplaceType

# The dimensions a staff filter can combine; each also gives a breakdown of its parent.
DIMENSIONS = ("sector", "workplace_type", "size_class", "centrality", "county", "employees_band")

# The criteria that choose workplace types. They nest (every type belongs to one sector), so
# a group's sector is the sum of its types: small-group protection treats the groups they
# make within the same other criteria as one hierarchy (``barometer.engine.suppression``).
TYPE_CRITERIA = ("sector", "workplace_type", "workplace_types")

# The unions of workplace types a page shows as groups: KS' 2018 report compares primary
# schools and kindergartens with nursing homes and upper-secondary schools (BAROMETER.md,
# municipal collaboration by type of workplace). Small-group protection counts them among
# the groups a reader can see.
TYPE_UNIONS = (
    ("primary_school", "kindergarten"),
    ("nursing_home", "upper_secondary"),
)


@dataclass(frozen=True)
class Filter:
    """A group of workplaces: every cell matching all the given criteria.

    ``workplace_types`` is a union of types (for example primary schools and
    kindergartens, as a published finding groups them); it is not a breakdown dimension,
    so dropping it is the only coarser group it has.
    """

    sector: str | None = None
    workplace_type: str | None = None
    size_class: int | None = None
    centrality: int | None = None
    county: str | None = None  # county number
    employees_band: int | None = None
    workplace_types: tuple[str, ...] | None = None

    def active(self) -> dict[str, object]:
        """The criteria in use, by name (breakdown dimensions and the union of types)."""
        names = (*DIMENSIONS, "workplace_types")
        return {name: getattr(self, name) for name in names if getattr(self, name) not in (None, "", ())}

    def breakdown_dimensions(self) -> list[str]:
        """The active criteria that are also breakdown dimensions."""
        return [name for name in self.active() if name in DIMENSIONS]

    def keep(self, cell: Cell) -> bool:
        return all(cell_value(cell, name, value) for name, value in self.active().items())

    def without(self, *names: str) -> Filter:
        return Filter(**{name: value for name, value in self.active().items() if name not in names})

    def coarser(self) -> list[Filter]:
        """Every filter a user could ask for with some of these criteria dropped."""
        active = list(self.active())
        return [self.without(*dropped) for size in range(1, len(active) + 1) for dropped in combinations(active, size)]

    def type_set(self) -> frozenset[str]:
        """The workplace types this group can contain, all of them when it is not limited by
        type (an empty set for criteria that exclude each other)."""
        covered = self.covered_types()
        return frozenset(WorkplaceType.values if covered is None else covered)

    def covered_types(self) -> set[str] | None:
        """The workplace types this group can contain; None when it is not limited by type."""
        types = set(WorkplaceType.values)
        limited = False
        if self.workplace_type:
            types &= {self.workplace_type}
            limited = True
        if self.workplace_types:
            types &= set(self.workplace_types)
            limited = True
        if self.sector:
            types &= {t for t, sector in SECTOR_OF_WORKPLACE_TYPE.items() if sector == self.sector}
            limited = True
        return types if limited else None


def part_of(cell: Cell, dimension: str):
    """The cell's value in a breakdown dimension (its sector, its county number, ...)."""
    if dimension == "sector":
        return SECTOR_OF_WORKPLACE_TYPE.get(cell.workplace_type)
    return getattr(cell, dimension)


def cell_value(cell: Cell, name: str, value) -> bool:
    """Whether the cell meets one criterion."""
    if name == "workplace_types":
        return cell.workplace_type in value
    return part_of(cell, name) == value


# A group's name says that its members are workplaces: a share beside "Municipalities with
# 5,000-19,999 inhabitants" or "Vestland" reads as a share of those municipalities or of the
# county, while it is a share of the workplaces in them.


def size_class_label(size_class: int) -> str:
    """A municipality size class as a group's name: "Workplaces in municipalities with
    5,000-19,999 inhabitants" (not the bare size, which reads as a count beside a base, nor
    "Municipalities with ...", which reads as a share of municipalities)."""
    return str(_("Workplaces in municipalities with %(size)s") % {"size": SizeClass(size_class).label})


def centrality_label(centrality: int) -> str:
    """A centrality class (SSB's 1-6, a class of municipalities) as a group's name:
    "Workplaces in municipalities in centrality class 2", and the ends named as everywhere
    else (``centrality_words``): "... centrality class 1 (most central)", "... 6 (least
    central)". The same words as the group's name in filters and files
    (``barometer.reports.aggregate.describe``)."""
    who = pgettext("a group's name, followed by where", "Workplaces")
    return f"{who} {municipalities_phrase(None, centrality)}"


def centrality_words(centrality: int) -> str:
    """A centrality class as words inside a group's name: "centrality class 1 (most
    central)", "centrality class 6 (least central)", "centrality class 3" (SSB's classes
    1-6; only the ends have a name)."""
    if centrality == Centrality.MOST_CENTRAL:
        return str(_("centrality class %(number)s (most central)") % {"number": centrality})
    if centrality == Centrality.LEAST_CENTRAL:
        return str(_("centrality class %(number)s (least central)") % {"number": centrality})
    return str(_("centrality class %(number)s") % {"number": centrality})


def municipalities_phrase(size_class: int | None, centrality: int | None) -> str:
    """The municipalities a group is in, named once: "in municipalities with under 5,000
    inhabitants and centrality class 1 (most central)", "in municipalities with under 5,000
    inhabitants", "in municipalities in centrality class 2"; "" for neither."""
    if size_class and centrality:
        return str(
            _("in municipalities with %(size)s and %(centrality)s")
            % {"size": SizeClass(size_class).label, "centrality": centrality_words(centrality)}
        )
    if size_class:
        return str(_("in municipalities with %(size)s") % {"size": SizeClass(size_class).label})
    if centrality:
        return str(_("in municipalities in %(centrality)s") % {"centrality": centrality_words(centrality)})
    return ""


def county_label(county_name: str) -> str:
    """A county as a group's name: "Workplaces in Vestland" (the bare name reads as a share
    of the county)."""
    return str(_("Workplaces in %(county)s") % {"county": county_name})


def workplace_type_label(workplace_type: str) -> str:
    """A workplace type as a group's name, in the plural as the other groups' names are:
    "Kindergartens" (not "Kindergarten", which reads as one workplace beside a base)."""
    return upper_first(workplaces_of_type(workplace_type))


def peer_filters(
    *, workplace_type: str, size_class: int, centrality: int, county: County
) -> list[tuple[str, str, Filter]]:
    """The workplace's peer groups, each on its own (not their intersection): (kind, label, filter)."""
    return [
        ("workplace_type", workplace_type_label(workplace_type), Filter(workplace_type=workplace_type)),
        ("size_class", size_class_label(size_class), Filter(size_class=size_class)),
        ("centrality", centrality_label(centrality), Filter(centrality=centrality)),
        ("county", county_label(county.name), Filter(county=county.number)),
    ]
