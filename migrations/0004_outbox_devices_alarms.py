from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.alarms.models import Severity
from domain.devices.models import DeviceType
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('lingli', '0003_login_throttle')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Device',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='devices', on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('lingli.Building', source_field='building_id', null=True, db_constraint=True, to_field='id', related_name='devices', on_delete=OnDelete.RESTRICT)),
                ('house', fields.ForeignKeyField('lingli.House', source_field='house_id', null=True, db_constraint=True, to_field='id', related_name='devices', on_delete=OnDelete.RESTRICT)),
                ('type', fields.CharEnumField(description='CAMERA: CAMERA\nACCESS_GATE: ACCESS_GATE\nDOOR_LOCK: DOOR_LOCK\nSMOKE_DETECTOR: SMOKE_DETECTOR\nGAS_DETECTOR: GAS_DETECTOR\nWATER_LEAK_SENSOR: WATER_LEAK_SENSOR\nWATER_METER: WATER_METER\nELECTRICITY_METER: ELECTRICITY_METER\nGAS_METER: GAS_METER\nHEAT_METER: HEAT_METER\nWEARABLE: WEARABLE\nFALL_SENSOR: FALL_SENSOR\nPARKING_SENSOR: PARKING_SENSOR\nSTREET_LAMP: STREET_LAMP\nMANHOLE_COVER: MANHOLE_COVER\nENVIRONMENT_SENSOR: ENVIRONMENT_SENSOR\nGARBAGE_BIN: GARBAGE_BIN', enum_type=DeviceType, max_length=30)),
                ('name', fields.CharField(max_length=100)),
                ('latitude', fields.FloatField(null=True)),
                ('longitude', fields.FloatField(null=True)),
                ('key_hash', fields.CharField(unique=True, max_length=64)),
                ('heartbeat_seconds', fields.IntField(default=300, description='Silent longer than this: offline')),
                ('online', fields.BooleanField(default=False)),
                ('last_seen_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_reading', fields.JSONField(null=True, description='Latest value per metric', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('retired_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'device', 'app': 'lingli', 'pk_attr': 'id', 'table_description': 'A device at a place: the community, optionally a building or a house, optionally coordinates.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Alarm',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='alarms', on_delete=OnDelete.RESTRICT)),
                ('device', fields.ForeignKeyField('lingli.Device', source_field='device_id', null=True, db_constraint=True, to_field='id', related_name='alarms', on_delete=OnDelete.RESTRICT)),
                ('house', fields.ForeignKeyField('lingli.House', source_field='house_id', null=True, db_constraint=True, to_field='id', related_name='alarms', on_delete=OnDelete.RESTRICT)),
                ('grid', fields.ForeignKeyField('lingli.Grid', source_field='grid_id', null=True, db_constraint=True, to_field='id', related_name='alarms', on_delete=OnDelete.SET_NULL)),
                ('type', fields.CharField(description='SMOKE, GAS, SOS, FALL, HEART_RATE, OFFLINE…', max_length=30)),
                ('severity', fields.CharEnumField(description='CRITICAL: CRITICAL\nMAJOR: MAJOR\nMINOR: MINOR\nWARNING: WARNING\nINDETERMINATE: INDETERMINATE', enum_type=Severity, max_length=15)),
                ('active_key', fields.CharField(null=True, unique=True, max_length=80)),
                ('count', fields.IntField(default=1)),
                ('details', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('first_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('acknowledged_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('acknowledged_by_id', fields.IntField(null=True)),
                ('cleared_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cleared_by_id', fields.IntField(null=True, description='Null when cleared by the device itself')),
            ],
            options={'table': 'alarm', 'app': 'lingli', 'pk_attr': 'id', 'table_description': 'One alarm. While it is active, ``active_key`` (device and alarm type) is set and unique:'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('topic', fields.CharField(max_length=100)),
                ('seq', fields.BigIntField()),
                ('kind', fields.CharField(max_length=50)),
                ('payload', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_event', 'app': 'lingli', 'unique_together': (('topic', 'seq'),), 'pk_attr': 'id', 'table_description': 'One event. Its id is the cursor clients resume from: increasing, and committed in order.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Reading',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('device', fields.ForeignKeyField('lingli.Device', source_field='device_id', db_constraint=True, to_field='id', related_name='readings', on_delete=OnDelete.CASCADE)),
                ('metric', fields.CharField(max_length=30)),
                ('value', fields.FloatField()),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'reading', 'app': 'lingli', 'indexes': [Index(fields=['device_id', 'recorded_at'])], 'pk_attr': 'id', 'table_description': 'One accepted reading: the history behind ``Device.last_reading``.'},
            bases=['Model'],
        ),
    ]
