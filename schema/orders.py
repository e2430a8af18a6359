"""GraphQL types of orders."""
