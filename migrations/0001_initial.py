from tortoise import migrations
from tortoise.migrations import operations as ops
from auth.roles import Role
from domain.people.models import CareTag, ResidencyKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Community',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=100)),
                ('code', fields.CharField(unique=True, description='Short stable code, e.g. SUNRISE', max_length=40)),
                ('address', fields.CharField(default='', max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'community', 'app': 'lingli', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Building',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='buildings', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=50)),
                ('floors', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'building', 'app': 'lingli', 'unique_together': (('community', 'name'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Grid',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='grids', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=50)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'grid', 'app': 'lingli', 'unique_together': (('community', 'name'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Person',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=100)),
                ('phone', fields.CharField(unique=True, max_length=20)),
                ('id_number', fields.CharField(null=True, description='National ID number', max_length=32)),
                ('password_hash', fields.CharField(null=True, description='Null until the person registers', max_length=255)),
                ('activation_code_hash', fields.CharField(null=True, max_length=128)),
                ('activation_expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'person', 'app': 'lingli', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Membership',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person', fields.ForeignKeyField('lingli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.RESTRICT)),
                ('role', fields.CharEnumField(description='RESIDENT: RESIDENT\nHOUSEKEEPER: HOUSEKEEPER\nGRID_WORKER: GRID_WORKER\nPROPERTY_STAFF: PROPERTY_STAFF\nMERCHANT: MERCHANT\nOPERATOR: OPERATOR\nPLATFORM_ADMIN: PLATFORM_ADMIN', enum_type=Role, max_length=20)),
                ('grid', fields.ForeignKeyField('lingli.Grid', source_field='grid_id', null=True, db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'membership', 'app': 'lingli', 'unique_together': (('person', 'community', 'role', 'grid'),), 'pk_attr': 'id', 'table_description': 'A role a person holds in a community. Grid roles are scoped to one grid.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PersonTag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person', fields.ForeignKeyField('lingli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='tags', on_delete=OnDelete.CASCADE)),
                ('tag', fields.CharEnumField(description='ELDERLY_ALONE: ELDERLY_ALONE\nDISABLED: DISABLED\nCHILD: CHILD\nKEY_CARE: KEY_CARE', enum_type=CareTag, max_length=20)),
            ],
            options={'table': 'person_tag', 'app': 'lingli', 'unique_together': (('person', 'tag'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RefreshToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('family', fields.CharField(db_index=True, description='One login session, kept across rotations', max_length=32)),
                ('person', fields.ForeignKeyField('lingli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='refresh_tokens', on_delete=OnDelete.CASCADE)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'refresh_token', 'app': 'lingli', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Unit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='units', on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('lingli.Building', source_field='building_id', db_constraint=True, to_field='id', related_name='units', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=50)),
            ],
            options={'table': 'unit', 'app': 'lingli', 'unique_together': (('building', 'name'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='House',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='houses', on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('lingli.Building', source_field='building_id', db_constraint=True, to_field='id', related_name='houses', on_delete=OnDelete.RESTRICT)),
                ('unit', fields.ForeignKeyField('lingli.Unit', source_field='unit_id', null=True, db_constraint=True, to_field='id', related_name='houses', on_delete=OnDelete.RESTRICT)),
                ('grid', fields.ForeignKeyField('lingli.Grid', source_field='grid_id', null=True, db_constraint=True, to_field='id', related_name='houses', on_delete=OnDelete.SET_NULL)),
                ('number', fields.CharField(description='Door number, e.g. 1201', max_length=20)),
                ('floor', fields.IntField(null=True)),
                ('area_m2', fields.DecimalField(null=True, max_digits=8, decimal_places=2)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'house', 'app': 'lingli', 'unique_together': (('building', 'unit', 'number'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Residency',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person', fields.ForeignKeyField('lingli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='residencies', on_delete=OnDelete.RESTRICT)),
                ('house', fields.ForeignKeyField('lingli.House', source_field='house_id', db_constraint=True, to_field='id', related_name='residencies', on_delete=OnDelete.RESTRICT)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='residencies', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='OWNER: OWNER\nTENANT: TENANT\nFAMILY: FAMILY', enum_type=ResidencyKind, max_length=10)),
                ('moved_in', fields.DateField()),
                ('moved_out', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'residency', 'app': 'lingli', 'pk_attr': 'id', 'table_description': 'A person living in a house. Moving out sets ``moved_out`` and the row stays as history.'},
            bases=['Model'],
        ),
    ]
