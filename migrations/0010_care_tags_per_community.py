from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.people.models import CareTag
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lingli', '0009_phone_lookups')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CareRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person', fields.ForeignKeyField('lingli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='care_records', on_delete=OnDelete.CASCADE)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='care_tags', on_delete=OnDelete.CASCADE)),
                ('tag', fields.CharEnumField(description='ELDERLY_ALONE: ELDERLY_ALONE\nDISABLED: DISABLED\nCHILD: CHILD\nKEY_CARE: KEY_CARE', enum_type=CareTag, max_length=20)),
            ],
            options={'table': 'care_record', 'app': 'lingli', 'unique_together': (('person', 'community', 'tag'),), 'pk_attr': 'id', 'table_description': "One care tag a community recorded about a person (health data). It is that community's"},
            bases=['Model'],
        ),
        # Tags recorded before they belonged to a community go to the community of the person's
        # current home (else their latest), which is who recorded them in practice. A tag of a
        # person who never lived anywhere had nobody to care for them: not carried over.
        ops.RunSQL(
            "INSERT INTO care_record (person_id, community_id, tag) "
            "SELECT t.person_id, (SELECT r.community_id FROM residency r WHERE r.person_id = t.person_id "
            "ORDER BY CASE WHEN r.moved_out IS NULL THEN 0 ELSE 1 END, r.id DESC LIMIT 1), t.tag "
            "FROM person_tag t WHERE EXISTS (SELECT 1 FROM residency r WHERE r.person_id = t.person_id)"
        ),
        ops.DeleteModel(name='PersonTag'),
    ]
