from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lingli', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuthSession',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ('person', fields.ForeignKeyField('lingli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'auth_session', 'app': 'lingli', 'pk_attr': 'id', 'table_description': 'One login. Access tokens name it (sid). Logging out or re-using a spent refresh token'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Person',
            name='activation_attempts',
            field=fields.IntField(default=0, description='Wrong codes tried since issue', db_default=0),
        ),
    ]
