from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('lingli', '0024_notices_and_parking')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Reading',
            index=Index(fields=['device_id', 'metric', 'recorded_at', 'value']),
        ),
    ]
