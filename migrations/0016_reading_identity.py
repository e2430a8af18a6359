from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('lingli', '0015_community_time_zones')]

    initial = False

    operations = [
        # A retried batch is told apart by each reading's identity (readingId, else metric and
        # recordedAt). Readings stored before have none: only those stored from now on are matched.
        ops.AddField(
            model_name='Reading',
            name='identity',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddConstraint(
            model_name='Reading',
            constraint=UniqueConstraint(fields=('device', 'identity'), name=None),
        ),
    ]
