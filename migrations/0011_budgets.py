from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lingli', '0010_care_tags_per_community')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BudgetCounter',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=30)),
                ('key', fields.CharField(max_length=120)),
                ('used', fields.IntField()),
                ('since', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'budget_counter', 'app': 'lingli', 'unique_together': (('kind', 'key'),), 'pk_attr': 'id', 'table_description': 'Tries of one budgeted thing by one key since the window began (domain.common.budgets).'},
            bases=['Model'],
        ),
        ops.DeleteModel(name='PhoneLookup'),
    ]
