"""The points ledger: green, volunteer and credit points earned from what residents do, spent in the mall and on orders."""
