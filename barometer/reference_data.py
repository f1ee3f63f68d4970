"""Loading the published reference figures and the indicator definitions from the data
files in ``barometer/data``. Existing rows are left as they are (they may have been edited
in the admin) unless ``overwrite`` is given."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from barometer.models import Indicator, ReferenceFigure
from surveys.i18n import LANGUAGES

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    kept: int


def _texts(data: dict, key: str) -> dict[str, str]:
    values = data.get(key) or {}
    return {f"{key}_{language}": values.get(language, "") for language in LANGUAGES}


@transaction.atomic
def load_reference_figures(path: Path = DATA_DIR / "reference_figures.json", *, overwrite=False) -> LoadResult:
    created = updated = kept = 0
    for item in json.loads(path.read_text(encoding="utf-8")):
        values = {
            **_texts(item, "statement"),
            **_texts(item, "wording"),
            **_texts(item, "note"),
            "value": Decimal(str(item["value"])),
            "bound": item["bound"],
            "edition": item["edition"],
            "country": item["country"],
            "population": item["population"],
            "workplace_types": item.get("workplace_types", []),
            "same_measure": item.get("same_measure", True),
            "source_title": item["source_title"],
            "source_url": item.get("source_url", ""),
        }
        figure = ReferenceFigure.objects.filter(key=item["key"]).first()
        if figure is None:
            figure = ReferenceFigure(key=item["key"], **values)
            figure.full_clean()
            figure.save()
            created += 1
        elif overwrite:
            for name, value in values.items():
                setattr(figure, name, value)
            figure.full_clean()
            figure.save()
            updated += 1
        else:
            kept += 1
    return LoadResult(created, updated, kept)


@transaction.atomic
def load_indicators(path: Path = DATA_DIR / "indicators.json", *, overwrite=False) -> LoadResult:
    figures = {figure.key: figure for figure in ReferenceFigure.objects.all()}
    created = updated = kept = 0
    for position, item in enumerate(json.loads(path.read_text(encoding="utf-8")), start=1):
        values = {
            **_texts(item, "name"),
            **_texts(item, "own_yes"),
            **_texts(item, "own_no"),
            **_texts(item, "share_clause"),
            **_texts(item, "suggestion"),
            "position": position,
            "rule": item["rule"],
            "population": item["population"],
            "question_codes": item["question_codes"],
            "option_codes": item.get("option_codes", []),
            "min_count": item.get("min_count", 1),
            "higher_is_favourable": item.get("higher_is_favourable"),
            "headline": item.get("headline", False),
        }
        indicator = Indicator.objects.filter(key=item["key"]).first()
        if indicator is not None and not overwrite:
            kept += 1
            continue
        if indicator is None:
            indicator = Indicator(key=item["key"])
            created += 1
        else:
            updated += 1
        for name, value in values.items():
            setattr(indicator, name, value)
        indicator.full_clean()
        indicator.save()
        missing = [key for key in item.get("reference_figures", []) if key not in figures]
        if missing:
            raise ValueError(f"indicator {item['key']}: unknown reference figure(s) {', '.join(missing)}")
        indicator.reference_figures.set([figures[key] for key in item.get("reference_figures", [])])
    return LoadResult(created, updated, kept)
