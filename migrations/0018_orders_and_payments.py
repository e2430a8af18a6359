from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.devices.models import DeviceType
from domain.orders.models import Status
from domain.payments.models import PaymentStatus, ProviderName
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('lingli', '0017_shops')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Order',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.RESTRICT)),
                ('shop', fields.ForeignKeyField('lingli.Shop', source_field='shop_id', db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.RESTRICT)),
                ('resident', fields.ForeignKeyField('lingli.Person', source_field='resident_id', db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.RESTRICT)),
                ('house', fields.ForeignKeyField('lingli.House', source_field='house_id', db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.RESTRICT)),
                ('house_number', fields.CharField(description='Building and door, as the courier reads them', max_length=80)),
                ('contact_name', fields.CharField(max_length=100)),
                ('contact_phone', fields.CharField(max_length=20)),
                ('idempotency_key', fields.CharField(max_length=64)),
                ('status', fields.CharEnumField(default=Status.PLACED, description='PLACED: PLACED\nACCEPTED: ACCEPTED\nPREPARING: PREPARING\nPICKED_UP: PICKED_UP\nDELIVERING: DELIVERING\nDELIVERED: DELIVERED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED\nREFUSED: REFUSED\nREFUNDED: REFUNDED', enum_type=Status, max_length=12)),
                ('note', fields.TextField(default='', unique=False)),
                ('total_fen', fields.IntField()),
                ('payment_provider', fields.CharEnumField(description='ON_DELIVERY: ON_DELIVERY\nSANDBOX: SANDBOX', enum_type=ProviderName, max_length=20)),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('courier', fields.ForeignKeyField('lingli.Person', source_field='courier_id', null=True, db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.RESTRICT)),
                ('courier_name', fields.CharField(default='', max_length=100)),
                ('robot', fields.ForeignKeyField('lingli.Device', source_field='robot_id', null=True, db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.TextField(default='', description='Why it was refused or cancelled', unique=False)),
                ('rating', fields.IntField(null=True)),
                ('rating_comment', fields.TextField(default='', unique=False)),
                ('placed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('delivery_seconds', fields.IntField(null=True, description='Placed to delivered: averaged in SQL')),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('latitude', fields.FloatField(null=True, description="The delivery's latest position")),
                ('longitude', fields.FloatField(null=True)),
                ('position_at', fields.DatetimeField(null=True, description='When the latest position was reported', auto_now=False, auto_now_add=False)),
                ('position_pushed_at', fields.DatetimeField(null=True, description='When a position was last pushed live', auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'shop_order', 'app': 'lingli', 'unique_together': (('resident_id', 'idempotency_key'),), 'indexes': [Index(fields=['shop_id', 'placed_at'])], 'pk_attr': 'id', 'table_description': "Money is integer fen: ``total_fen`` is the sum of the lines' amounts, computed by the server"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OrderEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('lingli.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.CASCADE)),
                ('action', fields.CharField(max_length=20)),
                ('from_status', fields.CharEnumField(null=True, description='PLACED: PLACED\nACCEPTED: ACCEPTED\nPREPARING: PREPARING\nPICKED_UP: PICKED_UP\nDELIVERING: DELIVERING\nDELIVERED: DELIVERED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED\nREFUSED: REFUSED\nREFUNDED: REFUNDED', enum_type=Status, max_length=12)),
                ('to_status', fields.CharEnumField(description='PLACED: PLACED\nACCEPTED: ACCEPTED\nPREPARING: PREPARING\nPICKED_UP: PICKED_UP\nDELIVERING: DELIVERING\nDELIVERED: DELIVERED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED\nREFUSED: REFUSED\nREFUNDED: REFUNDED', enum_type=Status, max_length=12)),
                ('actor_id', fields.IntField(null=True, description='Null: the system, a payment provider, a robot')),
                ('actor_name', fields.CharField(max_length=100)),
                ('note', fields.TextField(default='', unique=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'order_entry', 'app': 'lingli', 'pk_attr': 'id', 'table_description': 'The timeline: every step, who took it, when, with a note.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OrderLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('lingli.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('lingli.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='order_lines', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(description="The product's name when ordered", max_length=100)),
                ('unit_price_fen', fields.IntField()),
                ('quantity', fields.IntField()),
                ('amount_fen', fields.IntField()),
                ('reserved', fields.BooleanField(description='Took stock (the product had a limited stock)')),
            ],
            options={'table': 'order_line', 'app': 'lingli', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Payment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.RESTRICT)),
                ('payer', fields.ForeignKeyField('lingli.Person', source_field='payer_id', db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.RESTRICT)),
                ('subject_kind', fields.CharField(description='What is paid for: ORDER, BILL', max_length=20)),
                ('subject_id', fields.IntField()),
                ('amount_fen', fields.IntField()),
                ('provider', fields.CharEnumField(description='ON_DELIVERY: ON_DELIVERY\nSANDBOX: SANDBOX', enum_type=ProviderName, max_length=20)),
                ('status', fields.CharEnumField(default=PaymentStatus.PENDING, description='PENDING: PENDING\nPAID: PAID\nREFUNDED: REFUNDED\nCANCELLED: CANCELLED', enum_type=PaymentStatus, max_length=10)),
                ('out_trade_no', fields.CharField(unique=True, max_length=64)),
                ('provider_txn_id', fields.CharField(null=True, max_length=64)),
                ('pay_url', fields.TextField(null=True, description='Where the payer pays, for online providers', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('refunded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payment', 'app': 'lingli', 'unique_together': (('provider', 'provider_txn_id'),), 'indexes': [Index(fields=['subject_kind', 'subject_id'])], 'pk_attr': 'id', 'table_description': 'Amounts in integer fen. ``out_trade_no`` is our number for it at the provider (as WeChat Pay'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Device',
            name='type',
            field=fields.CharEnumField(description='CAMERA: CAMERA\nACCESS_GATE: ACCESS_GATE\nDOOR_LOCK: DOOR_LOCK\nSMOKE_DETECTOR: SMOKE_DETECTOR\nGAS_DETECTOR: GAS_DETECTOR\nWATER_LEAK_SENSOR: WATER_LEAK_SENSOR\nWATER_METER: WATER_METER\nELECTRICITY_METER: ELECTRICITY_METER\nGAS_METER: GAS_METER\nHEAT_METER: HEAT_METER\nWEARABLE: WEARABLE\nFALL_SENSOR: FALL_SENSOR\nPARKING_SENSOR: PARKING_SENSOR\nSTREET_LAMP: STREET_LAMP\nMANHOLE_COVER: MANHOLE_COVER\nENVIRONMENT_SENSOR: ENVIRONMENT_SENSOR\nGARBAGE_BIN: GARBAGE_BIN\nDELIVERY_ROBOT: DELIVERY_ROBOT', enum_type=DeviceType, max_length=30),
        ),
    ]
