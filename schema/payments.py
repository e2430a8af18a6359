"""GraphQL types of payments."""
