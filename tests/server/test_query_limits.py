"""Query limits: documents too long, with too many tokens (comments count), too deep, with too
many aliases or directives are refused before they run, with QUERY_TOO_COMPLEX and the limit."""

from __future__ import annotations

import time

from tests.conftest import RunningServer
from tests.support import Api, World, error

DEEP = "{ me { residencies { house { building { community { buildings { houses { grid { houses { residents { person { name } } } } } } } } } } } }"


def _fragments_doubling(levels: int) -> str:
    """Each fragment spreads the next twice: 2^levels aliased fields, in a kilobyte or two."""
    fragments = "".join(
        f"fragment F{i} on Query {{ a{i}: __typename ...F{i + 1} ...F{i + 1} }} " for i in range(levels)
    )
    return "query { ...F0 } " + fragments + f"fragment F{levels} on Query {{ __typename }}"


async def test_overly_deep_queries_are_refused(api: Api, world: World, server: RunningServer) -> None:
    result = await api(DEEP, as_=world.owner_a101)
    assert "exceeds maximum operation depth" in result["errors"][0]["message"]
    assert result.get("data") is None
    refused = error(result)
    assert (refused["code"], refused["limit"], refused["max"]) == (
        "QUERY_TOO_COMPLEX",
        "MAX_QUERY_DEPTH",
        server.settings.max_query_depth,
    )


async def test_too_many_aliases_are_refused(api: Api, world: World) -> None:
    query = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(16)) + " }"
    result = await api(query, as_=world.owner_a101)
    assert "aliases" in result["errors"][0]["message"]
    assert (error(result)["code"], error(result)["limit"]) == ("QUERY_TOO_COMPLEX", "MAX_ALIASES")


async def test_too_many_tokens_are_refused(api: Api, world: World) -> None:
    query = "{ me { " + " ".join(["id"] * 1001) + " } }"
    result = await api(query, as_=world.owner_a101)
    assert "token" in result["errors"][0]["message"].lower()
    assert (error(result)["code"], error(result)["limit"]) == ("QUERY_TOO_COMPLEX", "MAX_TOKENS")


async def test_comments_count_as_tokens(api: Api, server: RunningServer) -> None:
    padded = "{ __typename }\n" + "# a comment\n" * server.settings.max_tokens
    assert (error(await api(padded))["code"], error(await api(padded))["limit"]) == ("QUERY_TOO_COMPLEX", "MAX_TOKENS")


async def test_a_long_comment_is_refused_by_its_length_before_it_is_read(api: Api, server: RunningServer) -> None:
    # One comment is one token: only the length stops it (the attack of #9 was 50 MiB of it).
    commented = "{ __typename } #" + "x" * server.settings.max_query_characters
    refused = error(await api(commented))  # no login needed to be refused
    assert (refused["code"], refused["limit"], refused["max"]) == (
        "QUERY_TOO_COMPLEX",
        "MAX_QUERY_CHARACTERS",
        server.settings.max_query_characters,
    )


async def test_too_many_directives_are_refused(api: Api, server: RunningServer) -> None:
    query = "{ __typename" + " @include(if: true)" * (server.settings.max_directives + 1) + " }"
    refused = error(await api(query))
    assert (refused["code"], refused["limit"]) == ("QUERY_TOO_COMPLEX", "MAX_DIRECTIVES")


async def test_fragments_that_fan_out_are_counted_without_walking_every_copy(api: Api) -> None:
    # 2^20 aliases in 1.2 KB: strawberry's own limiters walked every one (10 s, the loop blocked).
    started = time.perf_counter()
    refused = error(await api(_fragments_doubling(20)))
    elapsed = time.perf_counter() - started
    assert (refused["code"], refused["limit"]) == ("QUERY_TOO_COMPLEX", "MAX_ALIASES")
    assert elapsed < 2, f"{elapsed:.1f} s to refuse"


async def test_documents_within_the_limits_run(api: Api, world: World) -> None:
    fine = "query Me { me { a: id b: name ...Who @include(if: true) } } fragment Who on Person { name }"
    result = await api(fine, as_=world.owner_a101)
    assert result == {"data": {"me": {"a": str(world.owner_a101.id), "b": "Owner A101", "name": "Owner A101"}}}
