from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.notifications.models import Channel, DeliveryState, Kind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('lingli', '0025_ioc_meter_readings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person', fields.ForeignKeyField('lingli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='ALARM: ALARM\nEVENT: EVENT\nORDER: ORDER\nBILL: BILL\nNOTICE: NOTICE', enum_type=Kind, max_length=10)),
                ('source', fields.CharField(description='What happened, e.g. alarm-12:CRITICAL, order-7:DELIVERED', max_length=80)),
                ('title', fields.CharField(max_length=100)),
                ('body', fields.CharField(max_length=500)),
                ('urgent', fields.BooleanField(default=False, description='CRITICAL alarms and care alarms: past quiet hours')),
                ('subject', fields.JSONField(default=dict, description='What it is about: {type, id}', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'lingli', 'unique_together': (('person', 'source'),), 'pk_attr': 'id', 'table_description': 'One thing a person should know of (an alarm at home, their repair moved, their order, a'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Delivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('notification', fields.ForeignKeyField('lingli.Notification', source_field='notification_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('person_id', fields.IntField()),
                ('community_id', fields.IntField(null=True)),
                ('channel', fields.CharEnumField(description='WECHAT: WECHAT\nPUSH: PUSH\nSMS: SMS\nLOG: LOG', enum_type=Channel, max_length=10)),
                ('key', fields.CharField(unique=True, max_length=120)),
                ('state', fields.CharEnumField(default=DeliveryState.PENDING, description='PENDING: PENDING\nSENT: SENT\nSKIPPED: SKIPPED\nDEAD: DEAD', enum_type=DeliveryState, max_length=10)),
                ('tries', fields.IntField(default=0)),
                ('next_at', fields.DatetimeField(description='Due from then, or while claimed: when the claim lapses', auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(default='', max_length=300)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'notification_delivery', 'app': 'lingli', 'indexes': [Index(fields=['state', 'next_at'])], 'pk_attr': 'id', 'table_description': 'One notification on one channel: claimed by a worker, sent at least once, retried with a'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Preference',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person', fields.OneToOneField('lingli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='notification_preference', on_delete=OnDelete.CASCADE)),
                ('muted_kinds', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('channels', fields.JSONField(default=list, description='Empty: every channel', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('quiet_from', fields.IntField(null=True)),
                ('quiet_until', fields.IntField(null=True)),
            ],
            options={'table': 'notification_preference', 'app': 'lingli', 'pk_attr': 'id', 'table_description': 'What a person wants told, and how: the kinds they muted, the channels they allow, and quiet'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WechatIdentity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('openid', fields.CharField(unique=True, max_length=64)),
                ('unionid', fields.CharField(null=True, db_index=True, max_length=64)),
                ('person', fields.ForeignKeyField('lingli.Person', source_field='person_id', null=True, db_constraint=True, to_field='id', related_name='wechat_identities', on_delete=OnDelete.CASCADE)),
                ('ticket_hash', fields.CharField(null=True, unique=True, max_length=64)),
                ('ticket_expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'wechat_identity', 'app': 'lingli', 'pk_attr': 'id', 'table_description': "A WeChat user of our mini-program (its openid, and the unionid across the vendor's apps when"},
            bases=['Model'],
        ),
    ]
