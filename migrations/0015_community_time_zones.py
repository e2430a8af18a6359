from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lingli', '0014_care_alarm_keys_per_community')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Community',
            name='time_zone',
            field=fields.CharField(default='Asia/Shanghai', description='IANA zone its days, months and bills are read in', max_length=64),
        ),
    ]
