"""Shops, their staff and their products."""

from domain.people.accounts import add_grant_source
from domain.shops.grants import shop_grants

add_grant_source(shop_grants)
