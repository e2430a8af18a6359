from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from auth.roles import Role
from domain.files.models import FileKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lingli', '0016_reading_identity')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Shop',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('lingli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='shops', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('description', fields.TextField(default='', unique=False)),
                ('hours', fields.CharField(default='', description='Opening hours as the shop states them', max_length=100)),
                ('delivery_building_ids', fields.JSONField(default=list, description='Empty: the whole community', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('open', fields.BooleanField(default=True, description='Takes orders')),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'shop', 'app': 'lingli', 'unique_together': (('community_id', 'name'),), 'pk_attr': 'id', 'table_description': "A shop registered by the community's operators. It delivers to the whole community, or"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Product',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shop', fields.ForeignKeyField('lingli.Shop', source_field='shop_id', db_constraint=True, to_field='id', related_name='products', on_delete=OnDelete.RESTRICT)),
                ('community_id', fields.IntField(description="The shop's, kept here so lists filter without a join")),
                ('name', fields.CharField(max_length=100)),
                ('description', fields.TextField(default='', unique=False)),
                ('category', fields.CharField(default='', max_length=50)),
                ('price_fen', fields.IntField()),
                ('stock', fields.IntField(null=True, description='Null: unlimited')),
                ('on_sale', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'product', 'app': 'lingli', 'pk_attr': 'id', 'table_description': 'Money is integer fen. ``stock`` None means unlimited. Otherwise orders reserve it as they'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProductPhoto',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.ForeignKeyField('lingli.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='photos', on_delete=OnDelete.CASCADE)),
                ('file', fields.ForeignKeyField('lingli.StoredFile', source_field='file_id', db_constraint=True, to_field='id', related_name='product_photos', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'product_photo', 'app': 'lingli', 'unique_together': (('file_id',),), 'pk_attr': 'id', 'table_description': 'A photo on a product: an upload (domain/files) attached here, once.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShopStaff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shop', fields.ForeignKeyField('lingli.Shop', source_field='shop_id', db_constraint=True, to_field='id', related_name='staff', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('lingli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='shop_jobs', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='RESIDENT: RESIDENT\nHOUSEKEEPER: HOUSEKEEPER\nGRID_WORKER: GRID_WORKER\nPROPERTY_STAFF: PROPERTY_STAFF\nMERCHANT: MERCHANT\nCOURIER: COURIER\nOPERATOR: OPERATOR\nPLATFORM_ADMIN: PLATFORM_ADMIN', enum_type=Role, max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'shop_staff', 'app': 'lingli', 'unique_together': (('shop_id', 'person_id', 'role'),), 'pk_attr': 'id', 'table_description': 'A person working for one shop: MERCHANT (runs it) or COURIER (delivers for it). A person may'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Membership',
            name='role',
            field=fields.CharEnumField(description='RESIDENT: RESIDENT\nHOUSEKEEPER: HOUSEKEEPER\nGRID_WORKER: GRID_WORKER\nPROPERTY_STAFF: PROPERTY_STAFF\nMERCHANT: MERCHANT\nCOURIER: COURIER\nOPERATOR: OPERATOR\nPLATFORM_ADMIN: PLATFORM_ADMIN', enum_type=Role, max_length=20),
        ),
        ops.AlterModelOptions(
            name='StoredFile',
            options={'table': 'stored_file', 'app': 'lingli', 'pk_attr': 'id', 'table_description': 'Made when an upload slot is handed out. Attached (``attached_at``) once the object is in'},
        ),
        ops.AlterField(
            model_name='StoredFile',
            name='kind',
            field=fields.CharEnumField(description='EVENT_PHOTO: EVENT_PHOTO\nPRODUCT_PHOTO: PRODUCT_PHOTO', enum_type=FileKind, max_length=20),
        ),
    ]
