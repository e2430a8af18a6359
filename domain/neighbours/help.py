"""Mutual help (互助): a resident asks; neighbours offer; the requester accepts one offer and, once
it is done, confirms it: the helper earns VOLUNTEER points (once, by the ledger's idempotency key)."""

from __future__ import annotations

from datetime import UTC, datetime

from auth.viewer import Viewer
from domain.common.errors import Conflict, Forbidden
from domain.common.pagination import Page, paginate
from domain.common.rows import create_or_conflict, get_visible, given, lock
from domain.common.text import FREE_TEXT_MAX, text
from domain.neighbours import access, messages
from domain.neighbours.messages import NeighbourMessage
from domain.neighbours.models import HelpOffer, HelpRequest, HelpStatus
from domain.people.models import Person
from domain.points import earning
from domain.space import places
from realtime.outbox import record, transaction


async def get_request(viewer: Viewer, request_id: int, *, field: str = "id") -> HelpRequest:
    return await get_visible(access.readable_help_requests(viewer), request_id, what="help request", field=field)


async def list_requests(
    viewer: Viewer, *, community_id: int | None, status: HelpStatus | None, first: int | None, after: str | None
) -> Page[HelpRequest]:
    qs = access.readable_help_requests(viewer).filter(**given(community_id=community_id, status=status))
    return await paginate(qs, first=first, after=after)


async def list_offers(viewer: Viewer, *, request_id: int, first: int | None, after: str | None) -> Page[HelpOffer]:
    request = await get_request(viewer, request_id, field="requestId")
    return await paginate(access.readable_offers(viewer).filter(request_id=request.id), first=first, after=after)


async def _announce(request: HelpRequest, kind: NeighbourMessage) -> None:
    await record(messages.topic(request.community_id), kind, messages.help_request(request))


async def ask(viewer: Viewer, *, community_id: int, title: str, description: str = "") -> HelpRequest:
    person = access.check_member(viewer, community_id)
    await places.community(community_id)
    cleaned = text(title, field="title", max_length=100)
    details = text(description, field="description", max_length=FREE_TEXT_MAX, min_length=0, multiline=True)
    name = (await Person.get(id=person)).name
    async with transaction():
        request = await HelpRequest.create(
            community_id=community_id, requester_id=person, requester_name=name, title=cleaned, description=details
        )
        await _announce(request, NeighbourMessage.HELP_REQUESTED)
        return request


async def offer(viewer: Viewer, request_id: int, note: str = "") -> HelpOffer:
    request = await get_request(viewer, request_id, field="requestId")
    person = access.check_member(viewer, request.community_id, field="requestId")
    if request.requester_id == person:
        raise Forbidden("You cannot offer to help yourself", field="requestId")
    said = text(note, field="note", max_length=200, min_length=0)
    name = (await Person.get(id=person)).name
    async with transaction():
        await lock(HelpRequest, request.id)
        if not await HelpRequest.exists(id=request.id, status=HelpStatus.OPEN):
            raise Conflict("This request takes no more offers", field="requestId")
        return await create_or_conflict(
            HelpOffer,
            "You offered to help already",
            field="requestId",
            request_id=request.id,
            community_id=request.community_id,
            helper_id=person,
            helper_name=name,
            note=said,
        )


async def accept(viewer: Viewer, offer_id: int) -> HelpRequest:
    row = await get_visible(access.readable_offers(viewer), offer_id, what="offer", field="offerId")
    request = await HelpRequest.get(id=row.request_id)
    access.check_requester(viewer, request, field="offerId")
    async with transaction():
        await lock(HelpRequest, request.id)
        changed = await HelpRequest.filter(id=request.id, status=HelpStatus.OPEN).update(
            status=HelpStatus.ACCEPTED, accepted_offer_id=row.id, helper_id=row.helper_id
        )
        if changed != 1:
            raise Conflict("An offer was accepted already, or the request is closed", field="offerId")
        request = await HelpRequest.get(id=request.id)
        await _announce(request, NeighbourMessage.HELP_UPDATED)
        return request


async def confirm_done(viewer: Viewer, request_id: int) -> HelpRequest:
    """The requester says it was done: the helper earns their points, once."""
    request = await get_request(viewer, request_id)
    access.check_requester(viewer, request)
    async with transaction():
        await lock(HelpRequest, request.id)
        request = await HelpRequest.get(id=request.id)
        if request.status is not HelpStatus.ACCEPTED or request.helper_id is None:
            raise Conflict("Accept an offer first; a request is confirmed once", field="id")
        earned = await earning.award_volunteer(
            community_id=request.community_id,
            person_id=request.helper_id,
            activity_id=f"help:{request.id}",
            title=f"Helped: {request.title}",
            idempotency_key=f"help:{request.id}",
        )
        request.status, request.done_at, request.points_awarded = HelpStatus.DONE, datetime.now(UTC), earned
        await request.save(update_fields=["status", "done_at", "points_awarded"])
        await _announce(request, NeighbourMessage.HELP_UPDATED)
        return request


async def cancel(viewer: Viewer, request_id: int) -> HelpRequest:
    request = await get_request(viewer, request_id)
    access.check_requester(viewer, request)
    async with transaction():
        changed = await HelpRequest.filter(id=request.id, status__in=[HelpStatus.OPEN, HelpStatus.ACCEPTED]).update(
            status=HelpStatus.CANCELLED
        )
        if changed != 1:
            raise Conflict("This request is done or cancelled already", field="id")
        request = await HelpRequest.get(id=request.id)
        await _announce(request, NeighbourMessage.HELP_UPDATED)
        return request
