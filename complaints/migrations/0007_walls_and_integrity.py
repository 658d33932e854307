
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from complaints import integrity


def visibility_and_chains(apps, schema_editor):
    """Internal events become office-level notes of the office then handling the complaint;
    every existing event is chained, complaint by complaint, in ``seq`` order."""
    Event = apps.get_model("complaints", "Event")
    Event.objects.filter(public=False).update(visibility="office")
    previous, complaint_id = None, None
    events = Event.objects.select_related("complaint").order_by("complaint_id", "seq")
    for event in events.iterator():
        if event.complaint_id != complaint_id:
            previous, complaint_id = None, event.complaint_id
        if not event.public:
            event.office_id = event.complaint.opd_id
        integrity.event_seal(event, reference=event.complaint.reference, previous=previous)
        event.save(update_fields=["office", "content_hash", "chain_hash"])
        previous = event.chain_hash


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0006_dashboard_indexes'),
        ('routing', '0003_updated_at'),
    ]

    operations = [
        migrations.CreateModel(
            name='Checkpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(unique=True)),
                ('root', models.CharField(max_length=64)),
                ('size', models.PositiveIntegerField()),
                ('last_event', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'integrity checkpoint',
                'verbose_name_plural': 'integrity checkpoints',
                'ordering': ['-day'],
            },
        ),
        migrations.AddField(
            model_name='complaint',
            name='walled_opd',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='routing.opd', verbose_name='office kept out (its head is involved)'),
        ),
        migrations.AddField(
            model_name='event',
            name='chain_hash',
            field=models.CharField(default='', editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='event',
            name='content_hash',
            field=models.CharField(default='', editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='event',
            name='office',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='routing.opd'),
        ),
        migrations.AddField(
            model_name='event',
            name='visibility',
            field=models.CharField(choices=[('reporter', 'Reporter and staff'), ('office', 'The writing office and oversight'), ('oversight', 'Oversight only')], default='reporter', max_length=10),
        ),
        migrations.AlterField(
            model_name='event',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.RunPython(visibility_and_chains, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='event',
            name='public',
        ),
    ]
