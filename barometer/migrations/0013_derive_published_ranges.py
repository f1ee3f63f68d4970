"""Fill the range each published figure's wording allows, by the one rule in
``barometer.engine.published`` (the model derives it on every save from now on)."""

from decimal import Decimal

from django.db import migrations

from barometer.engine.published import UnreadableWording, published_range


def derive_ranges(apps, schema_editor):
    ReferenceFigure = apps.get_model("barometer", "ReferenceFigure")
    for figure in ReferenceFigure.objects.all():
        for wording in (figure.wording_nb, figure.wording_en):
            try:
                allowed = published_range(wording or "")
            except UnreadableWording:
                continue
            figure.range_low, figure.range_high = Decimal(str(allowed.low)), Decimal(str(allowed.high))
            figure.save(update_fields=["range_low", "range_high"])
            break


class Migration(migrations.Migration):
    dependencies = [("barometer", "0012_published_figure_ranges")]

    operations = [migrations.RunPython(derive_ranges, migrations.RunPython.noop)]
