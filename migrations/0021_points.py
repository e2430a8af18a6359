from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.payments.models import ProviderName
from domain.points.models import Kind, RedemptionStatus, Source
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('lingli', '0020_delivery_positions_and_times')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Balance',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='points_balances', on_delete=OnDelete.RESTRICT)),
                ('person', fields.ForeignKeyField('lingli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='points_balances', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='GREEN: GREEN\nVOLUNTEER: VOLUNTEER\nCREDIT: CREDIT', enum_type=Kind, max_length=10)),
                ('balance', fields.IntField(default=0)),
            ],
            options={'table': 'points_balance', 'app': 'lingli', 'unique_together': (('person_id', 'community_id', 'kind'),), 'pk_attr': 'id', 'table_description': 'Kept with the entries in one transaction. A conditional UPDATE keeps it from going below 0.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Card',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='points_cards', on_delete=OnDelete.RESTRICT)),
                ('card_id', fields.CharField(max_length=64)),
                ('person', fields.ForeignKeyField('lingli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='points_cards', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'points_card', 'app': 'lingli', 'unique_together': (('community_id', 'card_id'),), 'pk_attr': 'id', 'table_description': "A resident's card (or face id) as a smart bin reads it."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Entry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='points_entries', on_delete=OnDelete.RESTRICT)),
                ('person', fields.ForeignKeyField('lingli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='points_entries', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='GREEN: GREEN\nVOLUNTEER: VOLUNTEER\nCREDIT: CREDIT', enum_type=Kind, max_length=10)),
                ('amount', fields.IntField(description='Signed: earned > 0, spent, deducted or expired < 0')),
                ('reason_code', fields.CharField(description='Stable: SORTED_RIGHT, REDEEMED, EXPIRED…', max_length=40)),
                ('reason', fields.CharField(description='Readable', max_length=200)),
                ('source', fields.CharEnumField(description='SORTING: SORTING\nREADING: READING\nACTIVITY: ACTIVITY\nOPERATOR: OPERATOR\nREDEMPTION: REDEMPTION\nORDER: ORDER\nEXPIRY: EXPIRY\nBASE: BASE', enum_type=Source, max_length=12)),
                ('source_id', fields.CharField(default='', description='The reading, record, order, redemption…', max_length=64)),
                ('actor_id', fields.IntField(null=True, description='Who caused it (null: the system)')),
                ('actor_name', fields.CharField(default='', max_length=100)),
                ('idempotency_key', fields.CharField(unique=True, max_length=120)),
                ('remaining', fields.IntField(default=0, description='Of an expiring earning: not spent or expired yet')),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'points_entry', 'app': 'lingli', 'indexes': [Index(fields=['person_id', 'community_id', 'kind']), Index(fields=['community_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'One change of one balance: never updated but for ``remaining`` (what of an earning is not'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsPrice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.OneToOneField('lingli.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='points_price', on_delete=OnDelete.CASCADE)),
                ('points', fields.IntField()),
            ],
            options={'table': 'points_price', 'app': 'lingli', 'pk_attr': 'id', 'table_description': 'A product a shop also sells for points (domain/shops knows nothing of it).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Reward',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='rewards', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('photo_url', fields.CharField(default='', max_length=500)),
                ('kind', fields.CharEnumField(default=Kind.GREEN, description='Which points pay for it', enum_type=Kind, max_length=10)),
                ('points', fields.IntField()),
                ('stock', fields.IntField()),
                ('per_person_limit', fields.IntField(null=True, description='Null: no limit')),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'points_reward', 'app': 'lingli', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Redemption',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='redemptions', on_delete=OnDelete.RESTRICT)),
                ('reward', fields.ForeignKeyField('lingli.Reward', source_field='reward_id', db_constraint=True, to_field='id', related_name='redemptions', on_delete=OnDelete.RESTRICT)),
                ('reward_name', fields.CharField(max_length=100)),
                ('person', fields.ForeignKeyField('lingli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='redemptions', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='GREEN: GREEN\nVOLUNTEER: VOLUNTEER\nCREDIT: CREDIT', enum_type=Kind, max_length=10)),
                ('points', fields.IntField()),
                ('pickup_code', fields.CharField(max_length=12)),
                ('status', fields.CharEnumField(default=RedemptionStatus.REDEEMED, description='REDEEMED: REDEEMED\nCOLLECTED: COLLECTED\nCANCELLED: CANCELLED', enum_type=RedemptionStatus, max_length=10)),
                ('idempotency_key', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('collected_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'points_redemption', 'app': 'lingli', 'unique_together': (('person_id', 'idempotency_key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Rules',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.OneToOneField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='points_rules', on_delete=OnDelete.CASCADE)),
                ('sorted_right_points', fields.IntField(default=2)),
                ('sorted_wrong_credit', fields.IntField(default=1, description='CREDIT deducted for a wrong sorting')),
                ('sorting_daily_cap', fields.IntField(default=10, description='GREEN points from sorting per person per day')),
                ('points_per_kwh_saved', fields.IntField(default=1)),
                ('points_per_m3_saved', fields.IntField(default=5)),
                ('saving_monthly_cap', fields.IntField(default=100, description='GREEN points per household per month')),
                ('volunteer_points', fields.IntField(default=10)),
                ('volunteer_daily_cap', fields.IntField(default=50)),
                ('expiry_years', fields.IntField(default=1, description='Earned points expire at the end of the year this many after')),
                ('credit_base', fields.IntField(default=100)),
                ('low_credit_below', fields.IntField(default=80)),
            ],
            options={'table': 'points_rules', 'app': 'lingli', 'pk_attr': 'id', 'table_description': "A community's earning rules (a community without a row earns by the defaults)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SortingRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('device', fields.ForeignKeyField('lingli.Device', source_field='device_id', db_constraint=True, to_field='id', related_name='sorting_records', on_delete=OnDelete.RESTRICT)),
                ('community_id', fields.IntField()),
                ('record_id', fields.CharField(max_length=64)),
                ('card_id', fields.CharField(max_length=64)),
                ('person_id', fields.IntField(null=True, description='Null: a card nobody holds')),
                ('correct', fields.BooleanField()),
                ('category', fields.CharField(default='', max_length=20)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'points_sorting_record', 'app': 'lingli', 'unique_together': (('device_id', 'record_id'),), 'pk_attr': 'id', 'table_description': 'One throw at a smart bin: whose card, sorted right or wrong. Unique per (bin, record id):'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Order',
            name='payment_provider',
            field=fields.CharEnumField(description='ON_DELIVERY: ON_DELIVERY\nSANDBOX: SANDBOX\nPOINTS: POINTS', enum_type=ProviderName, max_length=20),
        ),
        ops.AlterField(
            model_name='Payment',
            name='provider',
            field=fields.CharEnumField(description='ON_DELIVERY: ON_DELIVERY\nSANDBOX: SANDBOX\nPOINTS: POINTS', enum_type=ProviderName, max_length=20),
        ),
    ]
