from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lingli', '0008_rating_entries')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PhoneLookup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('viewer_id', fields.IntField(db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'phone_lookup', 'app': 'lingli', 'pk_attr': 'id', 'table_description': 'Staff finding a person by phone number: each try counts, found or not, so that nobody can'},
            bases=['Model'],
        ),
    ]
