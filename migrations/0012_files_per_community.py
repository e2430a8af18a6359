from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lingli', '0011_budgets')]

    initial = False

    operations = [
        ops.AddField(
            model_name='StoredFile',
            name='community',
            field=fields.ForeignKeyField('lingli.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name='files', on_delete=OnDelete.CASCADE),
        ),
    ]
