from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.alarms.models import Severity
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lingli', '0004_outbox_devices_alarms')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AlarmThreshold',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='alarm_thresholds', on_delete=OnDelete.CASCADE)),
                ('device_type', fields.CharField(max_length=30)),
                ('metric', fields.CharField(max_length=30)),
                ('above', fields.FloatField(null=True)),
                ('below', fields.FloatField(null=True)),
                ('severity', fields.CharEnumField(description='CRITICAL: CRITICAL\nMAJOR: MAJOR\nMINOR: MINOR\nWARNING: WARNING\nINDETERMINATE: INDETERMINATE', enum_type=Severity, max_length=15)),
            ],
            options={'table': 'alarm_threshold', 'app': 'lingli', 'unique_together': (('community', 'device_type', 'metric'),), 'pk_attr': 'id', 'table_description': "A community's own threshold for one metric of one device type, replacing the default rule:"},
            bases=['Model'],
        ),
    ]
