"""Orders: placed by residents, handled by a shop, delivered, paid."""
