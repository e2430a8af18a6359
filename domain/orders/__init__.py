"""Orders: placed by residents, handled by a shop, delivered, paid."""

# What paying does to an order, registered with payments as soon as orders are imported.
from domain.orders import paying as paying

# What a delivery robot's position means to its orders, registered with devices likewise.
from domain.orders import positions as positions
