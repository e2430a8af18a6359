from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lingli', '0012_files_per_community')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PhoneProof',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('phone', fields.CharField(unique=True, max_length=20)),
                ('code_hash', fields.CharField(max_length=128)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
            ],
            options={'table': 'phone_proof', 'app': 'lingli', 'pk_attr': 'id', 'table_description': 'A one-time code sent to a phone (by SMS): whoever types it back holds that phone. One'},
            bases=['Model'],
        ),
    ]
