"""Every query and mutation, called by the platform admin (who may act in any community) with ids
that name no row: a typed answer (NOT_FOUND, mostly), never INTERNAL, no ERROR in the log — a
foreign key the database refuses is the API's to notice first. Generated from the built schema."""

from __future__ import annotations

import pytest
from graphql import GraphQLObjectType

from auth.roles import Role
from tests.schema_inputs import SCHEMA, Taken, as_variable, sample
from tests.support import Api, errors_logged, make_staff, token_for


def _fields(operation: str) -> list[Taken]:
    """Each root field once: its first argument (or none) given a sample like the rest."""
    root = SCHEMA.query_type if operation == "query" else SCHEMA.mutation_type
    assert isinstance(root, GraphQLObjectType)
    return [
        Taken(operation, name, field, next(iter(field.args)), ()) for name, field in root.fields.items() if field.args
    ]


@pytest.mark.parametrize("every", [False, True], ids=["required arguments", "every argument and field"])
@pytest.mark.parametrize("operation", ["query", "mutation"])
async def test_ids_of_nothing_are_never_internal(api: Api, operation: str, every: bool) -> None:
    admin = await make_staff(Role.PLATFORM_ADMIN, None, name="Admin")
    token = await token_for(api.issuer, admin)
    problems = []
    with errors_logged() as logged:
        for case in _fields(operation):  # one at a time: some of them write
            argument = case.field.args[case.argument].type
            document, variables = as_variable(case, sample(argument, every=every), every=every)
            result = await api(document, variables, token=token)
            codes = [(e.get("extensions") or {}).get("code") for e in result.get("errors") or []]
            if "INTERNAL" in codes:
                problems.append(case.name)
    assert not problems
    assert not logged, [record.getMessage() for record in logged]
