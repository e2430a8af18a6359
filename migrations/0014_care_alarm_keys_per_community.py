from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('lingli', '0013_phone_proofs')]

    initial = False

    operations = [
        # Active alarms about a person are keyed per community now (person-<id>:<type>@<community>):
        # a person living in two communities has each community's care alarm.
        ops.RunSQL(
            "UPDATE alarm SET active_key = active_key || '@' || CAST(community_id AS TEXT) "
            "WHERE active_key LIKE 'person-%' AND active_key NOT LIKE '%@%'"
        ),
    ]
