"""Print the GraphQL schema (SDL): `python -m server.schema_export > schema.graphql` (or `make schema`)."""

from __future__ import annotations

from resolvers.root import build_schema


def sdl() -> str:
    return build_schema(production=False).as_str() + "\n"


if __name__ == "__main__":
    print(sdl(), end="")
