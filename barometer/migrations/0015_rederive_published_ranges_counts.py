"""Derive every published figure's range again: a count coarser than tenths ("1 in 4") is
now read no wider than "N in 10" (``barometer.engine.published``), 20-30 % rather than
12.5-37.5 %. The model derives the range on every save; this brings the stored rows up to
the rule, with 0013's function, which reads the rule as it is now."""

from importlib import import_module

from django.db import migrations

derive_ranges = import_module("barometer.migrations.0013_derive_published_ranges").derive_ranges


class Migration(migrations.Migration):
    dependencies = [("barometer", "0014_reference_figure_same_measure")]

    operations = [migrations.RunPython(derive_ranges, migrations.RunPython.noop)]
