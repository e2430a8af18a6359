from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lingli', '0002_sessions_and_activation_attempts')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Person',
            name='failed_logins',
            field=fields.IntField(default=0, description='Wrong passwords in a row', db_default=0),
        ),
        ops.AddField(
            model_name='Person',
            name='login_blocked_until',
            field=fields.DatetimeField(null=True, description='Set after too many wrong passwords', auto_now=False, auto_now_add=False),
        ),
    ]
