from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('lingli', '0019_bills')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Building',
            name='latitude',
            field=fields.FloatField(null=True),
        ),
        ops.AddField(
            model_name='Building',
            name='longitude',
            field=fields.FloatField(null=True),
        ),
        ops.AddField(
            model_name='Order',
            name='carried_seconds',
            field=fields.IntField(null=True, description='Picked up to delivered: averaged in SQL'),
        ),
        ops.AddField(
            model_name='Order',
            name='distance_metres',
            field=fields.IntField(null=True, description="From the latest position to the house's building"),
        ),
        ops.AddField(
            model_name='Order',
            name='eta_seconds',
            field=fields.IntField(null=True, description='That distance at delivery pace (positions.PACE_M_S)'),
        ),
        ops.AddField(
            model_name='Order',
            name='picked_up_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Order',
            name='position_pending',
            field=fields.BooleanField(default=False, description='A position came in since the last push: the sweep owes it', db_default=False),
        ),
        ops.AddIndex(
            model_name='Order',
            index=Index(fields=['robot_id', 'status']),
        ),
        ops.AddIndex(
            model_name='Order',
            index=Index(fields=['status', 'position_pending']),
        ),
    ]
