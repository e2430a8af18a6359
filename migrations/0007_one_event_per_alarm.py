from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('lingli', '0006_events_and_files')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Event',
            name='alarm',
            field=fields.ForeignKeyField('lingli.Alarm', source_field='alarm_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddConstraint(
            model_name='Event',
            constraint=UniqueConstraint(fields=('alarm_id',), name=None),
        ),
    ]
