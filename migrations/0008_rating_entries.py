from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lingli', '0007_one_event_per_alarm')]

    initial = False

    operations = [
        ops.AddField(
            model_name='EventEntry',
            name='score',
            field=fields.IntField(null=True, description='A rating given by this entry, credited to assignee_id'),
        ),
    ]
