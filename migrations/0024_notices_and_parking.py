from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.devices.models import DeviceType
from domain.notices.models import TargetKind
from domain.parking.models import Direction, LotKind, SpaceKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('lingli', '0023_neighbours')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Car',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='cars', on_delete=OnDelete.RESTRICT)),
                ('house', fields.ForeignKeyField('lingli.House', source_field='house_id', db_constraint=True, to_field='id', related_name='cars', on_delete=OnDelete.RESTRICT)),
                ('plate', fields.CharField(max_length=10)),
                ('registered_by', fields.ForeignKeyField('lingli.Person', source_field='registered_by_id', db_constraint=True, to_field='id', related_name='registered_cars', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'car', 'app': 'lingli', 'unique_together': (('community', 'plate'),), 'pk_attr': 'id', 'table_description': "A household's car, by its plate: one registration per plate in a community."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.RESTRICT)),
                ('sender', fields.ForeignKeyField('lingli.Person', source_field='sender_id', db_constraint=True, to_field='id', related_name='sent_notices', on_delete=OnDelete.RESTRICT)),
                ('sender_name', fields.CharField(max_length=100)),
                ('title', fields.CharField(max_length=100)),
                ('body', fields.TextField(unique=False)),
                ('target_kind', fields.CharEnumField(description='COMMUNITY: COMMUNITY\nBUILDING: BUILDING\nUNIT: UNIT\nHOUSE: HOUSE', enum_type=TargetKind, max_length=10)),
                ('target_ids', fields.JSONField(description='The buildings, units or houses (empty: the community)', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'notice', 'app': 'lingli', 'indexes': [Index(fields=['community_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'A notice to the whole community or to some of its buildings, units or houses (all of one'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NoticeHousehold',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('notice', fields.ForeignKeyField('lingli.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='households', on_delete=OnDelete.CASCADE)),
                ('house', fields.ForeignKeyField('lingli.House', source_field='house_id', db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.RESTRICT)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('read_by', fields.ForeignKeyField('lingli.Person', source_field='read_by_id', null=True, db_constraint=True, to_field='id', related_name='read_notices', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'notice_household', 'app': 'lingli', 'unique_together': (('notice', 'house'),), 'indexes': [Index(fields=['house_id', 'notice_id'])], 'pk_attr': 'id', 'table_description': 'A household a notice was sent to, and read_at, when someone of it first marked it read.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ParkingLot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='parking_lots', on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('lingli.Building', source_field='building_id', null=True, db_constraint=True, to_field='id', related_name='parking_lots', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='COMMUNITY: COMMUNITY\nBUILDING: BUILDING\nPUBLIC: PUBLIC', enum_type=LotKind, max_length=15)),
                ('name', fields.CharField(max_length=50)),
                ('gate', fields.ForeignKeyField('lingli.Device', source_field='gate_id', null=True, unique=True, db_constraint=True, to_field='id', related_name='gate_of_lots', on_delete=OnDelete.RESTRICT)),
                ('vehicles_inside', fields.IntField(default=0, description='Cars let in minus cars gone out (never below 0)')),
                ('free_pending', fields.BooleanField(default=False)),
                ('free_pushed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'parking_lot', 'app': 'lingli', 'unique_together': (('community', 'name'),), 'indexes': [Index(fields=['free_pending', 'free_pushed_at'])], 'pk_attr': 'id', 'table_description': 'A car park. Its spaces with a sensor are occupied as the sensor says, the others are filled,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GateRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lot', fields.ForeignKeyField('lingli.ParkingLot', source_field='lot_id', db_constraint=True, to_field='id', related_name='gate_records', on_delete=OnDelete.RESTRICT)),
                ('community_id', fields.IntField()),
                ('device_id', fields.IntField(description='The gate that read the plate')),
                ('record_id', fields.CharField(null=True, description="The gate's own id: a retry is known by it", max_length=64)),
                ('plate', fields.CharField(max_length=10)),
                ('direction', fields.CharEnumField(description='IN: IN\nOUT: OUT', enum_type=Direction, max_length=3)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('allowed', fields.BooleanField()),
                ('reason', fields.CharField(description='RESIDENT_CAR, VISITOR_PASS, NOT_REGISTERED, OUT', max_length=20)),
                ('car_id', fields.IntField(null=True)),
                ('pass_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'gate_record', 'app': 'lingli', 'unique_together': (('device_id', 'record_id'),), 'indexes': [Index(fields=['lot_id', 'at'])], 'pk_attr': 'id', 'table_description': "A car at a lot's gate: let in or not (and why), or gone out."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ParkingPass',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='parking_passes', on_delete=OnDelete.RESTRICT)),
                ('house', fields.ForeignKeyField('lingli.House', source_field='house_id', db_constraint=True, to_field='id', related_name='parking_passes', on_delete=OnDelete.RESTRICT)),
                ('issued_by', fields.ForeignKeyField('lingli.Person', source_field='issued_by_id', db_constraint=True, to_field='id', related_name='issued_parking_passes', on_delete=OnDelete.RESTRICT)),
                ('plate', fields.CharField(max_length=10)),
                ('visitor_name', fields.CharField(default='', max_length=50)),
                ('valid_from', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('valid_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'parking_pass', 'app': 'lingli', 'indexes': [Index(fields=['community_id', 'plate', 'valid_until'])], 'pk_attr': 'id', 'table_description': "A visitor's pass: a resident lets one plate in during a window."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ParkingSpace',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lot', fields.ForeignKeyField('lingli.ParkingLot', source_field='lot_id', db_constraint=True, to_field='id', related_name='spaces', on_delete=OnDelete.RESTRICT)),
                ('community_id', fields.IntField(description="The lot's community (denormalised for access filters)")),
                ('code', fields.CharField(description='As painted on the ground, e.g. B1-023', max_length=20)),
                ('kind', fields.CharEnumField(description='OWNED: OWNED\nRENTED: RENTED\nVISITOR: VISITOR', enum_type=SpaceKind, max_length=10)),
                ('house', fields.ForeignKeyField('lingli.House', source_field='house_id', null=True, db_constraint=True, to_field='id', related_name='parking_spaces', on_delete=OnDelete.RESTRICT)),
                ('sensor', fields.ForeignKeyField('lingli.Device', source_field='sensor_id', null=True, unique=True, db_constraint=True, to_field='id', related_name='parking_spaces', on_delete=OnDelete.RESTRICT)),
                ('occupied', fields.BooleanField(default=False, description='As its sensor last said (no sensor: False)')),
                ('occupied_changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'parking_space', 'app': 'lingli', 'unique_together': (('lot', 'code'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Device',
            name='type',
            field=fields.CharEnumField(description='CAMERA: CAMERA\nACCESS_GATE: ACCESS_GATE\nDOOR_LOCK: DOOR_LOCK\nSMOKE_DETECTOR: SMOKE_DETECTOR\nGAS_DETECTOR: GAS_DETECTOR\nWATER_LEAK_SENSOR: WATER_LEAK_SENSOR\nWATER_METER: WATER_METER\nELECTRICITY_METER: ELECTRICITY_METER\nGAS_METER: GAS_METER\nHEAT_METER: HEAT_METER\nWEARABLE: WEARABLE\nFALL_SENSOR: FALL_SENSOR\nPARKING_SENSOR: PARKING_SENSOR\nVEHICLE_GATE: VEHICLE_GATE\nSTREET_LAMP: STREET_LAMP\nMANHOLE_COVER: MANHOLE_COVER\nENVIRONMENT_SENSOR: ENVIRONMENT_SENSOR\nGARBAGE_BIN: GARBAGE_BIN\nDELIVERY_ROBOT: DELIVERY_ROBOT', enum_type=DeviceType, max_length=30),
        ),
    ]
