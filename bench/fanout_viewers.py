"""For bench/fanout.py: COUNT operators of community 1, each also living in a house of it since a
different day, so each has a scope of their own; prints nothing, writes one access token a line to OUT.

    DATABASE_URL=... JWT_SECRET=... python bench/fanout_viewers.py COUNT OUT
"""

from __future__ import annotations

import asyncio
import secrets
import sys
from datetime import date, timedelta
from pathlib import Path

from tortoise import Tortoise

from auth.roles import Role
from auth.tokens import TokenIssuer
from domain.people.models import AuthSession, Membership, Person, Residency, ResidencyKind
from domain.space.models import House
from realtime.outbox import transaction
from server.db import tortoise_config
from server.settings import Settings


async def main(count: int) -> list[str]:
    settings = Settings.from_env()
    await Tortoise.init(config=tortoise_config(settings.database_url))
    issuer = TokenIssuer(
        secret=settings.jwt_secret.value,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        access_ttl_seconds=3600,
        refresh_ttl_seconds=3600,
    )
    house = await House.filter(community_id=1).order_by("id").first()
    assert house is not None
    tokens = []
    async with transaction():  # one commit, not four per person
        for i in range(count):
            person = await Person.create(name=f"bench {i}", phone=f"170{i:08d}")
            await Membership.create(person=person, community_id=1, role=Role.OPERATOR)
            await Residency.create(
                person=person,
                house_id=house.id,
                community_id=1,
                kind=ResidencyKind.FAMILY,
                moved_in=date(2000, 1, 1) + timedelta(days=i),
            )
            session = await AuthSession.create(id=secrets.token_hex(16), person=person)
            tokens.append(issuer.access_token(person.id, session.id))
    await Tortoise.close_connections()
    return tokens


if __name__ == "__main__":
    Path(sys.argv[2]).write_text("\n".join(asyncio.run(main(int(sys.argv[1])))) + "\n")
