"""Payments have no root fields: they are read on what they pay for (Order.payment)."""
