"""Resolvers of payments."""
