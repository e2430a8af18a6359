"""People queries and mutations: read the viewer, call one domain function, map the result."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from auth.roles import Role as RoleValue
from domain.people import accounts, phone_proofs, service, wechat
from domain.people.accounts import TokenPair, load_viewer
from domain.people.models import CareTag as CareTagValue
from domain.people.service import ACTIVATION_CODE_TTL, NewResidency
from resolvers.context import Context
from resolvers.ids import parse_id, parse_optional_id
from resolvers.updates import id_field, provided
from schema.common import PAGE_HELP, Connection, PageCursor, connection
from schema.people import (
    ActivationCode,
    AuthPayload,
    AuthRegisterInput,
    CareTag,
    Membership,
    MembershipGrantInput,
    MoveInInput,
    OptionalName,
    Password,
    Person,
    PersonCreateInput,
    PersonUpdateInput,
    Phone,
    RefreshTokenArgument,
    Residency,
    ResidencyCreateInput,
    ResidencyEndInput,
    ResidencyUpdateInput,
    SmsCode,
    WechatCode,
    WechatLoginPayload,
    WechatPhoneCode,
    WechatTicket,
)


async def me(info: Info[Context, None]) -> Person:
    return Person.from_row(await service.get_self(info.context.viewer()))


async def person(info: Info[Context, None], id: strawberry.ID) -> Person | None:
    return Person.from_row(await service.get_person(info.context.viewer(), parse_id(id, "id")))


async def residents(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    house_id: strawberry.ID | None = None,
    building_id: strawberry.ID | None = None,
    grid_id: strawberry.ID | None = None,
    tag: CareTag | None = None,
    moved_out: bool | None = False,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[Residency]:
    page = await service.list_residents(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        house_id=parse_optional_id(house_id, "houseId"),
        building_id=parse_optional_id(building_id, "buildingId"),
        grid_id=parse_optional_id(grid_id, "gridId"),
        tag=CareTagValue(tag) if tag is not None else None,
        moved_out=moved_out,
        first=first,
        after=after,
    )
    return connection(page, Residency)


async def memberships(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[Membership]:
    page = await service.list_memberships(
        info.context.viewer(), community_id=parse_optional_id(community_id, "communityId"), first=first, after=after
    )
    return connection(page, Membership)


def _move_in(inp: MoveInInput) -> NewResidency:
    return NewResidency(house_id=parse_id(inp.house_id, "houseId"), kind=inp.kind, moved_in=inp.moved_in)


async def person_create(info: Info[Context, None], input: PersonCreateInput) -> Person:
    row = await service.create_person(
        info.context.viewer(),
        community_id=parse_id(input.community_id, "communityId"),
        name=input.name,
        phone=input.phone,
        id_number=input.id_number,
        tags=[CareTagValue(t) for t in input.tags or []],
        residency=_move_in(input.residency) if input.residency else None,
        staff_role=RoleValue(input.staff_role) if input.staff_role else None,
        grid_id=parse_optional_id(input.grid_id, "gridId"),
    )
    return Person.from_row(row)


async def person_update(info: Info[Context, None], input: PersonUpdateInput) -> Person:
    changes = provided(
        input,
        {"name": None, "phone": None, "id_number": None, "tags": None, "community_id": id_field("communityId")},
        nullable=frozenset({"id_number", "community_id"}),
    )
    return Person.from_row(await service.update_person(info.context.viewer(), parse_id(input.id, "id"), changes))


async def person_issue_activation_code(info: Info[Context, None], person_id: strawberry.ID) -> ActivationCode:
    code = await service.issue_activation_code(info.context.viewer(), parse_id(person_id, "personId"))
    return ActivationCode(code=code, expires_in_days=ACTIVATION_CODE_TTL.days)


async def residency_create(info: Info[Context, None], input: ResidencyCreateInput) -> Residency:
    row = await service.create_residency(
        info.context.viewer(),
        person_id=parse_optional_id(input.person_id, "personId"),
        phone=input.phone,
        residency=NewResidency(house_id=parse_id(input.house_id, "houseId"), kind=input.kind, moved_in=input.moved_in),
    )
    return Residency.from_row(row)


async def residency_end(info: Info[Context, None], input: ResidencyEndInput) -> Residency:
    row = await service.end_residency(info.context.viewer(), parse_id(input.id, "id"), moved_out=input.moved_out)
    return Residency.from_row(row)


async def residency_update(info: Info[Context, None], input: ResidencyUpdateInput) -> Residency:
    changes = provided(input, {"kind": None, "moved_in": None})
    return Residency.from_row(await service.update_residency(info.context.viewer(), parse_id(input.id, "id"), changes))


async def membership_grant(info: Info[Context, None], input: MembershipGrantInput) -> Membership:
    row = await service.grant_membership(
        info.context.viewer(),
        person_id=parse_optional_id(input.person_id, "personId"),
        phone=input.phone,
        role=RoleValue(input.role),
        community_id=parse_optional_id(input.community_id, "communityId"),
        grid_id=parse_optional_id(input.grid_id, "gridId"),
    )
    return Membership.from_row(row)


async def membership_revoke(info: Info[Context, None], id: strawberry.ID) -> Membership:
    return Membership.from_row(await service.revoke_membership(info.context.viewer(), parse_id(id, "id")))


async def _payload(info: Info[Context, None], pair: TokenPair) -> AuthPayload:
    # The rest of this operation (the payload's nested fields included) runs as the new session.
    info.context.become(await load_viewer(pair.person.id, session=pair.session))
    return AuthPayload(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
        token_type="Bearer",
        person=Person.from_row(pair.person),
    )


async def auth_register(info: Info[Context, None], input: AuthRegisterInput) -> AuthPayload:
    pair = await accounts.register(
        info.context.issuer,
        phone=input.phone,
        password=input.password,
        name=input.name,
        client=info.context.client_address(),
        phone_code=input.phone_code,
        activation_code=input.activation_code,
    )
    return await _payload(info, pair)


async def auth_request_phone_code(info: Info[Context, None], phone: Phone) -> bool:
    await phone_proofs.request_code(info.context.code_sender, phone=phone, client=info.context.client_address())
    return True


async def auth_login(info: Info[Context, None], phone: Phone, password: Password) -> AuthPayload:
    pair = await accounts.login(
        info.context.issuer, phone=phone, password=password, client=info.context.client_address()
    )
    return await _payload(info, pair)


async def auth_sms_request(info: Info[Context, None], phone: Phone) -> bool:
    await phone_proofs.request_code(info.context.code_sender, phone=phone, client=info.context.client_address())
    return True


async def auth_sms_login(info: Info[Context, None], phone: Phone, code: SmsCode) -> AuthPayload:
    pair = await accounts.login_with_code(
        info.context.issuer, phone=phone, code=code, client=info.context.client_address()
    )
    return await _payload(info, pair)


async def auth_wechat_login(info: Info[Context, None], code: WechatCode) -> WechatLoginPayload:
    login = await wechat.login(
        info.context.issuer, info.context.wechat, code=code, client=info.context.client_address()
    )
    auth = await _payload(info, login.pair) if login.pair else None
    return WechatLoginPayload(auth=auth, wechat_ticket=login.ticket)


async def auth_wechat_link_phone(
    info: Info[Context, None], wechat_ticket: WechatTicket, phone_code: WechatPhoneCode, name: OptionalName = None
) -> AuthPayload:
    pair = await wechat.link_phone(
        info.context.issuer,
        info.context.wechat,
        ticket=wechat_ticket,
        phone_code=phone_code,
        name=name,
        client=info.context.client_address(),
    )
    return await _payload(info, pair)


async def auth_refresh(info: Info[Context, None], refresh_token: RefreshTokenArgument) -> AuthPayload:
    return await _payload(info, await accounts.refresh(info.context.issuer, refresh_token=refresh_token))


async def auth_logout(info: Info[Context, None]) -> bool:
    await accounts.logout(info.context.viewer())
    return True


@strawberry.type
class Query:
    me: Person = strawberry.field(resolver=me, description="Who you are logged in as")
    residents: Connection[Residency] = strawberry.field(
        resolver=residents,
        description="Who lives where, as far as you may see: filter by community, house, building, grid, care tag; "
        f"movedOut false (default) = current, true = past, null = both. {PAGE_HELP}",
    )
    person: Person | None = strawberry.field(
        resolver=person,
        description="One person you may see: null, with a NOT_FOUND error, when there is none you may see (the rest of the answer stands)",
    )
    memberships: Connection[Membership] = strawberry.field(
        resolver=memberships, description=f"Roles in communities you manage, and your own. {PAGE_HELP}"
    )


@strawberry.type
class Mutation:
    auth_request_phone_code: bool = strawberry.field(
        resolver=auth_request_phone_code,
        description="Send a one-time code (by SMS) to this phone, for authRegister; the answer is true for any phone",
    )
    auth_register: AuthPayload = strawberry.field(
        resolver=auth_register,
        description="Create an account for a phone you proved, or claim the record the property office made",
    )
    auth_login: AuthPayload = strawberry.field(resolver=auth_login, description="Log in with phone and password")
    auth_sms_request: bool = strawberry.field(
        resolver=auth_sms_request,
        description="Send a one-time code by SMS for authSmsLogin (valid 5 minutes, 5 tries; the answer is true for any phone)",
    )
    auth_sms_login: AuthPayload = strawberry.field(
        resolver=auth_sms_login, description="Log in with the code authSmsRequest sent (one use)"
    )
    auth_wechat_login: WechatLoginPayload = strawberry.field(
        resolver=auth_wechat_login,
        description="Log in from the WeChat mini-program with the code of wx.login(): tokens if this WeChat user "
        "is bound to a person, else a ticket for authWechatLinkPhone. INVALID_CODE: get a new code; UNAVAILABLE: retry",
    )
    auth_wechat_link_phone: AuthPayload = strawberry.field(
        resolver=auth_wechat_link_phone,
        description="Bind this WeChat user to the phone WeChat verified (the phone-number button's code) and log in: "
        "the person with that phone, or a new account",
    )
    auth_refresh: AuthPayload = strawberry.field(
        resolver=auth_refresh, description="Spend a refresh token for a new token pair"
    )
    auth_logout: bool = strawberry.field(resolver=auth_logout, description="End this session everywhere")
    person_create: Person = strawberry.field(
        resolver=person_create, description="Operators and property staff; optionally moves them in"
    )
    person_update: Person = strawberry.field(
        resolver=person_update, description="Operators and property staff; anyone may change their own name"
    )
    person_issue_activation_code: ActivationCode = strawberry.field(
        resolver=person_issue_activation_code, description="A code the person registers with"
    )
    residency_create: Residency = strawberry.field(resolver=residency_create, description="Move a person in")
    residency_end: Residency = strawberry.field(resolver=residency_end, description="Move a person out")
    residency_update: Residency = strawberry.field(resolver=residency_update, description="Correct a residency")
    membership_grant: Membership = strawberry.field(resolver=membership_grant, description="Give a role")
    membership_revoke: Membership = strawberry.field(resolver=membership_revoke, description="Take a role away")
