from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.bills.models import Anomaly, BillStatus, Utility
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('lingli', '0018_orders_and_payments')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Bill',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='bills', on_delete=OnDelete.RESTRICT)),
                ('house', fields.ForeignKeyField('lingli.House', source_field='house_id', db_constraint=True, to_field='id', related_name='bills', on_delete=OnDelete.RESTRICT)),
                ('period', fields.CharField(description="YYYY-MM, a month of the community's calendar", max_length=7)),
                ('period_start', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('period_end', fields.DatetimeField(description='Exclusive: the first instant of the next month', auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=BillStatus.ISSUED, description='ISSUED: ISSUED\nOVERDUE: OVERDUE\nPAID: PAID', enum_type=BillStatus, max_length=10)),
                ('total_fen', fields.BigIntField()),
                ('anomalies', fields.IntField(default=0, description='Lines that charge nothing for a reason')),
                ('due_date', fields.DateField(description="Last day to pay, in the community's calendar")),
                ('overdue_from', fields.DatetimeField(description='The first instant after the due date, in UTC', auto_now=False, auto_now_add=False)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('payment_ref', fields.CharField(null=True, description='The payment that settled it', max_length=64)),
            ],
            options={'table': 'bill', 'app': 'lingli', 'unique_together': (('house', 'period'),), 'indexes': [Index(fields=['community_id', 'period']), Index(fields=['status', 'overdue_from'])], 'pk_attr': 'id', 'table_description': "One house's bill for one month. The unique (house, period) index is what makes generating a"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BillLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('bill', fields.ForeignKeyField('lingli.Bill', source_field='bill_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('utility', fields.CharEnumField(description='WATER: WATER\nELECTRICITY: ELECTRICITY\nGAS: GAS\nHEAT: HEAT\nPROPERTY_FEE: PROPERTY_FEE', enum_type=Utility, max_length=20)),
                ('device_id', fields.IntField(null=True, description='The meter read (none for the property fee)')),
                ('start_reading', fields.FloatField(null=True)),
                ('end_reading', fields.FloatField(null=True)),
                ('quantity_milli', fields.BigIntField(null=True, description='Thousandths of a unit: m³ or kWh consumed, or m² of floor area for the property fee')),
                ('unit_price_fen', fields.IntField(null=True)),
                ('amount_fen', fields.BigIntField()),
                ('anomaly', fields.CharEnumField(null=True, description='MISSING_START_READING: MISSING_START_READING\nMISSING_END_READING: MISSING_END_READING\nDECREASING_READING: DECREASING_READING\nNO_TARIFF: NO_TARIFF\nNO_AREA: NO_AREA', enum_type=Anomaly, max_length=30)),
                ('note', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'bill_line', 'app': 'lingli', 'indexes': [Index(fields=['bill_id'])], 'pk_attr': 'id', 'table_description': 'One utility of one bill: the readings it was computed from, or the anomaly that kept it at 0.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Tariff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='tariffs', on_delete=OnDelete.CASCADE)),
                ('utility', fields.CharEnumField(description='WATER: WATER\nELECTRICITY: ELECTRICITY\nGAS: GAS\nHEAT: HEAT\nPROPERTY_FEE: PROPERTY_FEE', enum_type=Utility, max_length=20)),
                ('price_fen', fields.IntField(description='Fen per unit (m³, kWh), or per m² per month for the property fee')),
                ('effective_from', fields.DateField(description="First day (community's calendar) this price applies")),
                ('set_by_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'tariff', 'app': 'lingli', 'unique_together': (('community', 'utility', 'effective_from'),), 'pk_attr': 'id', 'table_description': "A price in force from a day of the community's calendar until the next one of the same"},
            bases=['Model'],
        ),
    ]
