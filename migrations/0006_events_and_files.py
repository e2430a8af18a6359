from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.events.models import Category, Priority, Source, Status
from domain.files.models import FileKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lingli', '0005_alarm_thresholds')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CategoryDeadline',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='event_deadlines', on_delete=OnDelete.CASCADE)),
                ('category', fields.CharEnumField(description='REPAIR: REPAIR\nCOMPLAINT: COMPLAINT\nSAFETY_HAZARD: SAFETY_HAZARD\nILLEGAL_CONSTRUCTION: ILLEGAL_CONSTRUCTION\nENVIRONMENT: ENVIRONMENT\nNOISE: NOISE\nPARKING: PARKING\nCARE_VISIT: CARE_VISIT\nOTHER: OTHER', enum_type=Category, max_length=25)),
                ('hours', fields.IntField()),
            ],
            options={'table': 'event_deadline', 'app': 'lingli', 'unique_together': (('community_id', 'category'),), 'pk_attr': 'id', 'table_description': "A community's own deadline for a category, replacing the default."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Integration',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='integrations', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('source', fields.CharEnumField(description='RESIDENT_APP: RESIDENT_APP\nWECHAT: WECHAT\nHOTLINE_12345: HOTLINE_12345\nGRID_WORKER: GRID_WORKER\nDEVICE_ALARM: DEVICE_ALARM\nOPERATIONS_CENTER: OPERATIONS_CENTER', enum_type=Source, max_length=20)),
                ('key_hash', fields.CharField(unique=True, max_length=64)),
                ('created_by_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'integration', 'app': 'lingli', 'pk_attr': 'id', 'table_description': "An outside system (the city's 12345 hotline) that submits events to one community with its"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('lingli.Building', source_field='building_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('house', fields.ForeignKeyField('lingli.House', source_field='house_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('grid', fields.ForeignKeyField('lingli.Grid', source_field='grid_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.SET_NULL)),
                ('latitude', fields.FloatField(null=True)),
                ('longitude', fields.FloatField(null=True)),
                ('category', fields.CharEnumField(description='REPAIR: REPAIR\nCOMPLAINT: COMPLAINT\nSAFETY_HAZARD: SAFETY_HAZARD\nILLEGAL_CONSTRUCTION: ILLEGAL_CONSTRUCTION\nENVIRONMENT: ENVIRONMENT\nNOISE: NOISE\nPARKING: PARKING\nCARE_VISIT: CARE_VISIT\nOTHER: OTHER', enum_type=Category, max_length=25)),
                ('priority', fields.CharEnumField(default=Priority.NORMAL, description='LOW: LOW\nNORMAL: NORMAL\nHIGH: HIGH\nURGENT: URGENT', enum_type=Priority, max_length=10)),
                ('source', fields.CharEnumField(description='RESIDENT_APP: RESIDENT_APP\nWECHAT: WECHAT\nHOTLINE_12345: HOTLINE_12345\nGRID_WORKER: GRID_WORKER\nDEVICE_ALARM: DEVICE_ALARM\nOPERATIONS_CENTER: OPERATIONS_CENTER', enum_type=Source, max_length=20)),
                ('status', fields.CharEnumField(default=Status.REPORTED, description='REPORTED: REPORTED\nASSIGNED: ASSIGNED\nIN_PROGRESS: IN_PROGRESS\nRESOLVED: RESOLVED\nCLOSED: CLOSED\nREJECTED: REJECTED\nREOPENED: REOPENED\nESCALATED: ESCALATED', enum_type=Status, max_length=15)),
                ('description', fields.TextField(unique=False)),
                ('reporter', fields.ForeignKeyField('lingli.Person', source_field='reporter_id', null=True, db_constraint=True, to_field='id', related_name='reported_events', on_delete=OnDelete.RESTRICT)),
                ('reporter_name', fields.CharField(default='', max_length=100)),
                ('contact', fields.CharField(default='', description="Caller's name/phone, for hotline events", max_length=100)),
                ('assignee', fields.ForeignKeyField('lingli.Person', source_field='assignee_id', null=True, db_constraint=True, to_field='id', related_name='assigned_events', on_delete=OnDelete.RESTRICT)),
                ('assignee_name', fields.CharField(default='', max_length=100)),
                ('alarm', fields.ForeignKeyField('lingli.Alarm', source_field='alarm_id', null=True, unique=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('integration', fields.ForeignKeyField('lingli.Integration', source_field='integration_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('external_ref', fields.CharField(null=True, description="The integration's own reference", max_length=100)),
                ('reported_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('deadline_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('overdue_at', fields.DatetimeField(null=True, description='When the overdue job found it late (once)', auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolve_seconds', fields.IntField(null=True, description='Report to resolution: averaged in SQL')),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rating', fields.IntField(null=True)),
                ('rating_comment', fields.TextField(null=True, unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'event', 'app': 'lingli', 'unique_together': (('integration_id', 'external_ref'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EventEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('lingli.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.CASCADE)),
                ('action', fields.CharField(max_length=20)),
                ('from_status', fields.CharEnumField(null=True, description='REPORTED: REPORTED\nASSIGNED: ASSIGNED\nIN_PROGRESS: IN_PROGRESS\nRESOLVED: RESOLVED\nCLOSED: CLOSED\nREJECTED: REJECTED\nREOPENED: REOPENED\nESCALATED: ESCALATED', enum_type=Status, max_length=15)),
                ('to_status', fields.CharEnumField(description='REPORTED: REPORTED\nASSIGNED: ASSIGNED\nIN_PROGRESS: IN_PROGRESS\nRESOLVED: RESOLVED\nCLOSED: CLOSED\nREJECTED: REJECTED\nREOPENED: REOPENED\nESCALATED: ESCALATED', enum_type=Status, max_length=15)),
                ('actor_id', fields.IntField(null=True, description='Null: the system or an integration')),
                ('actor_name', fields.CharField(description='Who, as shown on the timeline', max_length=100)),
                ('assignee_id', fields.IntField(null=True, description='Who the event was assigned to by this entry')),
                ('note', fields.TextField(default='', unique=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'event_entry', 'app': 'lingli', 'pk_attr': 'id', 'table_description': 'The timeline: every transition, who made it, when, with a note and photos.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StoredFile',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=200)),
                ('kind', fields.CharEnumField(description='EVENT_PHOTO: EVENT_PHOTO', enum_type=FileKind, max_length=20)),
                ('content_type', fields.CharField(max_length=100)),
                ('size', fields.IntField()),
                ('uploader', fields.ForeignKeyField('lingli.Person', source_field='uploader_id', db_constraint=True, to_field='id', related_name='files', on_delete=OnDelete.RESTRICT)),
                ('event', fields.ForeignKeyField('lingli.Event', source_field='event_id', null=True, db_constraint=True, to_field='id', related_name='files', on_delete=OnDelete.CASCADE)),
                ('entry', fields.ForeignKeyField('lingli.EventEntry', source_field='entry_id', null=True, db_constraint=True, to_field='id', related_name='files', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('attached_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'stored_file', 'app': 'lingli', 'pk_attr': 'id', 'table_description': 'Made when an upload slot is handed out. Attached to an event (and the timeline entry it'},
            bases=['Model'],
        ),
    ]
