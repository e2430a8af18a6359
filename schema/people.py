"""GraphQL types, inputs and enums of people: persons, residencies, memberships, logins."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from auth.roles import Role as Role
from domain.common.pagination import DEFAULT_PAGE_SIZE
from domain.people import models as pm
from domain.people.masking import mask_id_number, mask_phone
from domain.people.models import CareTag as CareTag
from domain.people.models import ResidencyKind as ResidencyKind
from domain.people.validation import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from schema.common import UNCHANGED, first_help, first_of
from schema.limits import list_size
from schema.space import Community, Grid, House
from schema.string_inputs import SECRET, at_most, stored_in

PASSWORD = at_most(MAX_PASSWORD_LENGTH, "a password: only its hash is stored")

# Arguments of resolvers.people, with their lengths.
Phone = Annotated[str, strawberry.argument(description="Mobile number", metadata=stored_in(pm.Person, "phone"))]
Password = Annotated[str, strawberry.argument(description="The password", metadata=PASSWORD)]
RefreshTokenArgument = Annotated[
    str, strawberry.argument(description="The refresh token of your last pair", metadata=SECRET)
]
WechatCode = Annotated[
    str,
    strawberry.argument(
        description="The code of wx.login() in the mini-program (WeChat's are 32 characters)",
        metadata=at_most(128, "a WeChat login code: exchanged, never stored"),
    ),
]
WechatPhoneCode = Annotated[
    str,
    strawberry.argument(
        description="The code the phone-number button (open-type=getPhoneNumber) gave the mini-program",
        metadata=at_most(128, "a WeChat phone-number code: exchanged, never stored"),
    ),
]
WechatTicket = Annotated[str, strawberry.argument(description="The wechatTicket authWechatLogin gave", metadata=SECRET)]
SmsCode = Annotated[str, strawberry.argument(description="The code the SMS brought", metadata=SECRET)]
OptionalName = Annotated[
    str | None,
    strawberry.argument(
        description="Your name, for a new account (default 微信用户)", metadata=stored_in(pm.Person, "name")
    ),
]

strawberry.enum(ResidencyKind, description="How a person lives in a house")


strawberry.enum(CareTag, description="Marks a person who needs care")


strawberry.enum(Role, description="A role a membership gives in a community")


@strawberry.type(description="A person living in a house, from movedIn to movedOut (history is kept)")
class Residency:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    kind: ResidencyKind = strawberry.field(description="Owner, tenant or family member")
    moved_in: date = strawberry.field(description="Day they moved in")
    moved_out: date | None = strawberry.field(description="Day they moved out; null while they live here")
    person_id: strawberry.Private[int]
    house_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: pm.Residency) -> Residency:
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=row.kind,
            moved_in=row.moved_in,
            moved_out=row.moved_out,
            person_id=row.person_id,
            house_id=row.house_id,
        )

    @strawberry.field(description="True while the person lives here")
    def current(self) -> bool:
        return self.moved_out is None

    @strawberry.field(description="Who")
    async def person(self, info: Info) -> Person | None:
        row = await info.context.loaders.person.load(self.person_id)
        return Person.from_row(row) if row else None

    @strawberry.field(description="Where")
    async def house(self, info: Info) -> House | None:
        row = await info.context.loaders.house.load(self.house_id)
        return House.from_row(row) if row else None


@strawberry.type(description="A person: resident, staff, merchant. Personal data is masked unless you need it")
class Person:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    name: str = strawberry.field(description="Name")
    raw_phone: strawberry.Private[str]
    raw_id_number: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: pm.Person) -> Person:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, raw_phone=row.phone, raw_id_number=row.id_number)

    @strawberry.field(
        description="Phone: in full for yourself, your household, staff responsible for you and your colleagues, else masked (138****5678)"
    )
    async def phone(self, info: Info) -> str:
        if (await info.context.loaders.personal_data.load(int(self.id))).phone:
            return self.raw_phone
        return mask_phone(self.raw_phone)

    @strawberry.field(
        description="ID number: in full for yourself and the operators of the community you live in, else masked"
    )
    async def id_number(self, info: Info) -> str | None:
        if self.raw_id_number is None:
            return None
        if (await info.context.loaders.personal_data.load(int(self.id))).id_number:
            return self.raw_id_number
        return mask_id_number(self.raw_id_number)

    @strawberry.field(
        description="Care tags (elderly living alone, disabled, child, key care): health data, so null unless "
        "you are them, their household, or staff responsible for where they live",
        metadata=list_size(len(CareTag)),
    )
    async def tags(self, info: Info) -> list[CareTag] | None:
        visible = await info.context.loaders.personal_data.load(int(self.id))
        if not visible.care_tags:
            return None
        records = await info.context.loaders.care_records_of_person.load(int(self.id))
        # One tag recorded by two communities is one tag to whoever may see both records.
        return sorted({r.tag for r in records if visible.shows_care_record_of(r.community_id)})

    @strawberry.field(description=f"Where they live or lived, as far as you may see. {first_help()}")
    async def residencies(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE) -> list[Residency]:
        rows = await info.context.loaders.residencies_of_person.load(int(self.id))
        return [Residency.from_row(r) for r in first_of(rows, first)]

    @strawberry.field(description=f"Their roles, as far as you may see. {first_help()}")
    async def memberships(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE) -> list[Membership]:
        rows = await info.context.loaders.memberships_of_person.load(int(self.id))
        return [Membership.from_row(m) for m in first_of(rows, first)]


@strawberry.type(description="A role held in a community, scoped to the community, a grid, or (residents) their houses")
class Membership:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    role: Role = strawberry.field(description="The role")
    person_id: strawberry.Private[int]
    community_id: strawberry.Private[int | None]
    grid_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: pm.Membership) -> Membership:
        return cls(
            id=strawberry.ID(str(row.id)),
            role=row.role,
            person_id=row.person_id,
            community_id=row.community_id,
            grid_id=row.grid_id,
        )

    @strawberry.field(description="The community; null for a platform admin, who spans all")
    async def community(self, info: Info) -> Community | None:
        row = await info.context.loaders.community.load(self.community_id) if self.community_id else None
        return Community.from_row(row) if row else None

    @strawberry.field(description="The grid, for housekeepers and grid workers")
    async def grid(self, info: Info) -> Grid | None:
        row = await info.context.loaders.grid.load(self.grid_id) if self.grid_id else None
        return Grid.from_row(row) if row else None

    @strawberry.field(description="Who holds it")
    async def person(self, info: Info) -> Person | None:
        row = await info.context.loaders.person.load(self.person_id)
        return Person.from_row(row) if row else None


@strawberry.type(description="Tokens for a session: send the access token as `Authorization: Bearer …`")
class AuthPayload:
    access_token: str = strawberry.field(description="Short-lived JWT")
    refresh_token: str = strawberry.field(description="Single use: `authRefresh` spends it and returns a new pair")
    expires_in: int = strawberry.field(description="Seconds until the access token expires")
    token_type: str = strawberry.field(description="Always Bearer")
    person: Person = strawberry.field(description="Who logged in")


@strawberry.type(description="What logging in with WeChat gave: tokens, or a ticket to prove your phone with")
class WechatLoginPayload:
    auth: AuthPayload | None = strawberry.field(description="Your tokens: this WeChat user is bound to a person")
    wechat_ticket: str | None = strawberry.field(
        description="Not bound to anyone yet: prove your phone with authWechatLinkPhone(wechatTicket, phoneCode) "
        "within 10 minutes (one use)"
    )


@strawberry.type(description="A one-time code the office hands to a person to claim their account")
class ActivationCode:
    code: str = strawberry.field(description="Eight digits, shown once")
    expires_in_days: int = strawberry.field(description="Days it stays valid")


@strawberry.input(description="Moving into a house")
class MoveInInput:
    house_id: strawberry.ID = strawberry.field(description="Which house")
    kind: ResidencyKind = strawberry.field(description="Owner, tenant or family member")
    moved_in: date = strawberry.field(description="Day of moving in")


@strawberry.input(description="A person registered by the property office: give a residency or a staffRole")
class PersonCreateInput:
    community_id: strawberry.ID = strawberry.field(description="The community registering them")
    name: str = strawberry.field(description="Name", metadata=stored_in(pm.Person, "name"))
    phone: str = strawberry.field(description="Mobile number, unique", metadata=stored_in(pm.Person, "phone"))
    id_number: str | None = strawberry.field(
        default=None, description="National ID number", metadata=stored_in(pm.Person, "id_number")
    )
    tags: list[CareTag] | None = strawberry.field(default=None, description="Care tags")
    residency: MoveInInput | None = strawberry.field(default=None, description="A resident: the house they move into")
    staff_role: Role | None = strawberry.field(default=None, description="Staff: the role they get (not both)")
    grid_id: strawberry.ID | None = strawberry.field(default=None, description="For HOUSEKEEPER and GRID_WORKER")


@strawberry.input(description="Changes to a person; `tags` replaces all tags")
class PersonUpdateInput:
    id: strawberry.ID = strawberry.field(description="Which person")
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description=UNCHANGED, metadata=stored_in(pm.Person, "name")
    )
    phone: str | None = strawberry.field(
        default=strawberry.UNSET, description=UNCHANGED, metadata=stored_in(pm.Person, "phone")
    )
    id_number: str | None = strawberry.field(
        default=strawberry.UNSET, description=UNCHANGED, metadata=stored_in(pm.Person, "id_number")
    )
    tags: list[CareTag] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Replaces your community's care record of the person (other communities keep their own). "
        + UNCHANGED,
    )
    community_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Whose care record `tags` replaces, when the person lives in several of your communities",
    )


@strawberry.input(description="Move a known person in: give personId, or the phone they were registered with")
class ResidencyCreateInput:
    house_id: strawberry.ID = strawberry.field(description="Which house")
    kind: ResidencyKind = strawberry.field(description="Owner, tenant or family member")
    moved_in: date = strawberry.field(description="Day of moving in")
    person_id: strawberry.ID | None = strawberry.field(default=None, description="Who, by id")
    phone: str | None = strawberry.field(
        default=None, description="Who, by phone", metadata=stored_in(pm.Person, "phone")
    )


@strawberry.input(description="Move a person out; the residency stays as history")
class ResidencyEndInput:
    id: strawberry.ID = strawberry.field(description="Which residency")
    moved_out: date = strawberry.field(description="Day of moving out")


@strawberry.input(description="Corrections to a residency")
class ResidencyUpdateInput:
    id: strawberry.ID = strawberry.field(description="Which residency")
    kind: ResidencyKind | None = strawberry.field(default=strawberry.UNSET, description=UNCHANGED)
    moved_in: date | None = strawberry.field(default=strawberry.UNSET, description=UNCHANGED)


@strawberry.input(description="Give a person a role: personId of someone you can see, or their phone")
class MembershipGrantInput:
    person_id: strawberry.ID | None = strawberry.field(default=None, description="Who, by id")
    phone: str | None = strawberry.field(
        default=None, description="Who, by phone", metadata=stored_in(pm.Person, "phone")
    )
    role: Role = strawberry.field(description="Which role")
    community_id: strawberry.ID | None = strawberry.field(default=None, description="Where; none for PLATFORM_ADMIN")
    grid_id: strawberry.ID | None = strawberry.field(default=None, description="For HOUSEKEEPER and GRID_WORKER")


@strawberry.input(description="A new account, or claiming the record the property office made")
class AuthRegisterInput:
    phone: str = strawberry.field(description="Mobile number", metadata=stored_in(pm.Person, "phone"))
    password: str = strawberry.field(
        description=f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters", metadata=PASSWORD
    )
    name: str = strawberry.field(description="Name", metadata=stored_in(pm.Person, "name"))
    phone_code: str | None = strawberry.field(
        default=None,
        description="The code authRequestPhoneCode sent to this phone: proves you hold it",
        metadata=SECRET,
    )
    activation_code: str | None = strawberry.field(
        default=None,
        description="Instead of phoneCode: the code the property office gave you for its record",
        metadata=SECRET,
    )
