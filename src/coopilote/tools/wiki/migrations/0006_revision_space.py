"""Revisions carry their page's space, so that recent changes read them by index."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    Page = apps.get_model("wiki", "Page")
    Revision = apps.get_model("wiki", "Revision")
    Revision.objects.update(
        space_id=Subquery(Page.objects.filter(pk=OuterRef("page_id")).values("space_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0001_initial"),
        ("wiki", "0005_page_templates"),
    ]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="space",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="spaces.space",
                verbose_name="space",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="revision",
            name="space",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="spaces.space",
                verbose_name="space",
            ),
        ),
        migrations.AddIndex(
            model_name="revision",
            index=models.Index(
                fields=["space", "-created_at", "-id"], name="wiki_revision_space_time"
            ),
        ),
    ]
