"""Query limits: overly deep queries, too many aliases and too many tokens are refused."""

from __future__ import annotations

from tests.support import Api, World


async def test_overly_deep_queries_are_refused(api: Api, world: World) -> None:
    deep = "{ me { residencies { house { building { community { buildings { houses { grid { houses { residents { person { name } } } } } } } } } } } }"
    result = await api(deep, as_=world.owner_a101)
    assert "exceeds maximum operation depth" in result["errors"][0]["message"]
    assert result.get("data") is None


async def test_too_many_aliases_are_refused(api: Api, world: World) -> None:
    query = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(40)) + " }"
    result = await api(query, as_=world.owner_a101)
    assert "aliases" in result["errors"][0]["message"]


async def test_too_many_tokens_are_refused(api: Api, world: World) -> None:
    query = "{ me { " + " ".join(["id"] * 2500) + " } }"
    result = await api(query, as_=world.owner_a101)
    assert "token" in result["errors"][0]["message"].lower()
