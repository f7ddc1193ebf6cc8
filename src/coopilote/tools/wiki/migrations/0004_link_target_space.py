"""Links name their target space (``[[space-address:Page]]``); stored HTML holds link
placeholders resolved for each reader, so every revision is rendered again."""

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    from coopilote.tools.wiki import markup

    PageLink = apps.get_model("wiki", "PageLink")
    Revision = apps.get_model("wiki", "Revision")
    for link in PageLink.objects.select_related("from_page").iterator():
        PageLink.objects.filter(pk=link.pk).update(to_space_id=link.from_page.space_id)
    for revision in Revision.objects.only("pk", "body").iterator():
        html = markup.render(revision.body).html
        Revision.objects.filter(pk=revision.pk).update(html=html)


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0001_initial"),
        ("wiki", "0003_page_follower"),
    ]

    operations = [
        migrations.AddField(
            model_name="pagelink",
            name="to_space",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="spaces.space",
                verbose_name="target space",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="pagelink",
            name="to_space",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="spaces.space",
                verbose_name="target space",
            ),
        ),
        migrations.RemoveConstraint(model_name="pagelink", name="wiki_link_unique"),
        migrations.RemoveIndex(model_name="pagelink", name="wiki_link_to_slug"),
        migrations.AddConstraint(
            model_name="pagelink",
            constraint=models.UniqueConstraint(
                fields=("from_page", "to_space", "to_slug"), name="wiki_link_unique_target"
            ),
        ),
        migrations.AddIndex(
            model_name="pagelink",
            index=models.Index(fields=["to_space", "to_slug"], name="wiki_link_to_page"),
        ),
    ]
