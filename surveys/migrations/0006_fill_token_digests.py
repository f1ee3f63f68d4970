"""Links are looked up by the digest of their token from now on: compute it for every
existing invitation and self-test response."""

import hashlib

from django.db import migrations


def fill(apps, schema_editor):
    for name in ("Invitation", "Response"):
        model = apps.get_model("surveys", name)
        for pk, token in model.objects.exclude(token=None).values_list("pk", "token").iterator():
            model.objects.filter(pk=pk).update(token_digest=hashlib.sha256(token.encode()).hexdigest())


class Migration(migrations.Migration):
    dependencies = [("surveys", "0005_token_digests")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
