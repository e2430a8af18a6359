from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lingli', '0021_points')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Order',
            name='points_fen',
            field=fields.IntField(default=0, description='What its points lines would cost in fen: total_fen less what is due', db_default=0),
        ),
        ops.AddField(
            model_name='Order',
            name='points_spent',
            field=fields.IntField(default=0, description='GREEN points its points lines cost', db_default=0),
        ),
        ops.AddField(
            model_name='OrderLine',
            name='points',
            field=fields.IntField(null=True, description='Paid with this many points (price × quantity), null when paid in money'),
        ),
    ]
