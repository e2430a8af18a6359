"""Resolvers of orders."""
