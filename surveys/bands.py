"""Employee bands: how the number of employees a workplace reports is grouped wherever it is
shown or cut by (the figures' employee bands, the analysts' download)."""

from __future__ import annotations

#: (band, smallest, largest); the last band has no upper bound. Band 0 means unknown.
EMPLOYEE_BANDS: tuple[tuple[int, int, int | None], ...] = ((1, 1, 19), (2, 20, 49), (3, 50, 99), (4, 100, None))


def employees_band(employees: int | None) -> int:
    """The band (1-4) of a number of employees; 0 when unknown or below 1."""
    for band, low, high in EMPLOYEE_BANDS:
        if employees is not None and employees >= low and (high is None or employees <= high):
            return band
    return 0


def employees_band_label(employees: int | None) -> str:
    """The band of a number of employees as text ("1-19", ..., "100+"); "" when unknown."""
    for band, low, high in EMPLOYEE_BANDS:
        if band == employees_band(employees):
            return f"{low}+" if high is None else f"{low}-{high}"
    return ""
