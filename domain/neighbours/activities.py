"""Activities: created by the community's office; residents sign up for a seat or, when full, the
wait-list, whose first person takes a seat someone gives up; checked in by the office or with the
activity's code; finished by the office, which earns each checked-in volunteer their points (once,
by the points ledger's idempotency keys)."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from auth.viewer import Viewer
from domain.common.budgets import Budget
from domain.common.errors import Conflict, InvalidInput, NotFound, RateLimited
from domain.common.pagination import Page, paginate
from domain.common.rows import get_visible, given, lock
from domain.common.text import FREE_TEXT_MAX, text
from domain.neighbours import access, messages
from domain.neighbours.messages import NeighbourMessage
from domain.neighbours.models import Activity, ActivityStatus, Signup, SignupStatus
from domain.people.models import Person
from domain.points import earning
from domain.space import places
from realtime.outbox import record, transaction

MAX_CAPACITY = 10_000
MAX_POINTS = 10_000
MAX_LENGTH = timedelta(days=90)
# Wrong check-in codes one person may enter in an hour (a code is 6 digits).
WRONG_CODES = Budget(
    "activity-code", limit=10, window=timedelta(hours=1), refusal="Too many wrong check-in codes: try again later"
)


@dataclass(frozen=True)
class NewActivity:
    community_id: int
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    description: str = ""
    volunteer: bool = False
    points: int | None = None


async def get_activity(viewer: Viewer, activity_id: int, *, field: str = "id") -> Activity:
    return await get_visible(access.readable_activities(viewer), activity_id, what="activity", field=field)


async def list_activities(
    viewer: Viewer, *, community_id: int | None, status: ActivityStatus | None, first: int | None, after: str | None
) -> Page[Activity]:
    qs = access.readable_activities(viewer).filter(**given(community_id=community_id, status=status))
    return await paginate(qs, first=first, after=after)


async def list_signups(
    viewer: Viewer, *, activity_id: int, status: SignupStatus | None, first: int | None, after: str | None
) -> Page[Signup]:
    """The office sees everyone's; a resident their own."""
    activity = await get_activity(viewer, activity_id, field="activityId")
    qs = access.readable_signups(viewer).filter(activity_id=activity.id, **given(status=status))
    return await paginate(qs, first=first, after=after)


async def create_activity(viewer: Viewer, new: NewActivity) -> Activity:
    access.check_manage(viewer, new.community_id)
    await places.community(new.community_id)
    title = text(new.title, field="title", max_length=100)
    where = text(new.place, field="place", max_length=100)
    description = text(new.description, field="description", max_length=FREE_TEXT_MAX, min_length=0, multiline=True)
    if new.ends_at <= new.starts_at:
        raise InvalidInput("An activity ends after it starts", field="endsAt")
    if new.ends_at - new.starts_at > MAX_LENGTH:
        raise InvalidInput("An activity lasts at most 90 days", field="endsAt")
    if new.ends_at <= datetime.now(UTC):
        raise InvalidInput("This activity would be over already", field="endsAt")
    if not 1 <= new.capacity <= MAX_CAPACITY:
        raise InvalidInput(f"capacity is 1 to {MAX_CAPACITY}", field="capacity")
    if new.points is not None:
        if not new.volunteer:
            raise InvalidInput("Only a volunteer activity earns points", field="points")
        if not 0 <= new.points <= MAX_POINTS:
            raise InvalidInput(f"points is 0 to {MAX_POINTS}", field="points")
    async with transaction():
        activity = await Activity.create(
            community_id=new.community_id,
            title=title,
            description=description,
            place=where,
            starts_at=new.starts_at,
            ends_at=new.ends_at,
            capacity=new.capacity,
            volunteer=new.volunteer,
            points=new.points,
            check_in_code=f"{secrets.randbelow(1_000_000):06d}",
            created_by_id=viewer.person_id,
        )
        await _announce(activity, NeighbourMessage.ACTIVITY_CREATED)
        return activity


async def _announce(activity: Activity, kind: NeighbourMessage) -> None:
    payload = messages.activity(activity, confirmed=activity.confirmed_count, waiting=activity.waiting_count)
    await record(messages.topic(activity.community_id), kind, payload)


async def _locked(activity_id: int) -> Activity:
    await lock(Activity, activity_id)
    return await Activity.get(id=activity_id)


async def _recount(activity: Activity) -> Activity:
    confirmed = await Signup.filter(activity_id=activity.id, status=SignupStatus.CONFIRMED).count()
    waiting = await Signup.filter(activity_id=activity.id, status=SignupStatus.WAITING).count()
    activity.confirmed_count, activity.waiting_count = confirmed, waiting
    await activity.save(update_fields=["confirmed_count", "waiting_count"])
    await _announce(activity, NeighbourMessage.ACTIVITY_SIGNUPS_CHANGED)
    return activity


async def sign_up(viewer: Viewer, activity_id: int) -> Signup:
    """A seat while there is one, else the end of the wait-list. Twice is CONFLICT."""
    activity = await get_activity(viewer, activity_id, field="activityId")
    person = access.check_member(viewer, activity.community_id, field="activityId")
    name = (await Person.get(id=person)).name
    async with transaction():
        activity = await _locked(activity.id)
        if activity.status is not ActivityStatus.OPEN or activity.ends_at <= datetime.now(UTC):
            raise Conflict("This activity is over", field="activityId")
        row = await Signup.get_or_none(activity_id=activity.id, person_id=person)
        if row is not None and row.status is not SignupStatus.CANCELLED:
            raise Conflict("You signed up for this activity already", field="activityId")
        status = SignupStatus.CONFIRMED if activity.confirmed_count < activity.capacity else SignupStatus.WAITING
        now = datetime.now(UTC)
        if row is None:
            row = await Signup.create(
                activity_id=activity.id,
                community_id=activity.community_id,
                person_id=person,
                person_name=name,
                status=status,
                signed_up_at=now,
            )
        else:  # signing up again after cancelling: at the end of the queue, as anyone new
            row.status, row.signed_up_at, row.checked_in_at = status, now, None
            await row.save(update_fields=["status", "signed_up_at", "checked_in_at"])
        await _recount(activity)
        return row


async def cancel(viewer: Viewer, activity_id: int) -> Signup:
    """Giving up one's seat (the first of the wait-list takes it) or one's place in the wait-list."""
    activity = await get_activity(viewer, activity_id, field="activityId")
    person = access.check_member(viewer, activity.community_id, field="activityId")
    async with transaction():
        activity = await _locked(activity.id)
        if activity.status is not ActivityStatus.OPEN:
            raise Conflict("This activity is over", field="activityId")
        row = await Signup.get_or_none(activity_id=activity.id, person_id=person)
        if row is None or row.status is SignupStatus.CANCELLED:
            raise NotFound("You are not signed up for this activity", field="activityId")
        if row.checked_in_at is not None:
            raise Conflict("You were checked in already", field="activityId")
        freed = row.status is SignupStatus.CONFIRMED
        row.status = SignupStatus.CANCELLED
        await row.save(update_fields=["status"])
        if freed:
            first = (
                await Signup.filter(activity_id=activity.id, status=SignupStatus.WAITING)
                .order_by("signed_up_at", "id")
                .first()
            )
            if first is not None:
                await Signup.filter(id=first.id).update(status=SignupStatus.CONFIRMED)
        await _recount(activity)
        return row


async def _check_in(activity: Activity, person_id: int) -> Signup:
    async with transaction():
        activity = await _locked(activity.id)
        if activity.status is not ActivityStatus.OPEN:
            raise Conflict("This activity is over", field="activityId")
        row = await Signup.get_or_none(activity_id=activity.id, person_id=person_id)
        if row is None or row.status is not SignupStatus.CONFIRMED:
            raise NotFound("This person has no seat at this activity", field="personId")
        if row.checked_in_at is not None:
            raise Conflict("Checked in already", field="personId")
        row.checked_in_at = datetime.now(UTC)
        await row.save(update_fields=["checked_in_at"])
        return row


async def check_in(viewer: Viewer, activity_id: int, person_id: int) -> Signup:
    """The office checks a person with a seat in."""
    activity = await get_activity(viewer, activity_id, field="activityId")
    access.check_check_in(viewer, activity)
    return await _check_in(activity, person_id)


async def check_in_with_code(viewer: Viewer, activity_id: int, code: str) -> Signup:
    """A resident with a seat checks in with the code shown at the activity."""
    activity = await get_activity(viewer, activity_id, field="activityId")
    person = access.check_member(viewer, activity.community_id, field="activityId")
    if await WRONG_CODES.exhausted(str(person)):
        raise RateLimited(WRONG_CODES.refusal, field="code")
    if not hmac.compare_digest(code.strip().encode(), activity.check_in_code.encode()):
        await WRONG_CODES.try_spend(str(person))
        raise InvalidInput("This is not the activity's check-in code", field="code")
    return await _check_in(activity, person)


async def finish(viewer: Viewer, activity_id: int) -> Activity:
    """The office marks it finished: each checked-in participant of a volunteer activity earns its
    VOLUNTEER points, in the same transaction, each under its own key (never twice)."""
    activity = await get_activity(viewer, activity_id)
    access.check_manage(viewer, activity.community_id)
    async with transaction():
        activity = await _locked(activity.id)
        if activity.status is not ActivityStatus.OPEN:
            raise Conflict("This activity is finished already", field="id")
        activity.status, activity.finished_at = ActivityStatus.FINISHED, datetime.now(UTC)
        await activity.save(update_fields=["status", "finished_at"])
        if activity.volunteer:
            present = Signup.filter(activity_id=activity.id, status=SignupStatus.CONFIRMED, checked_in_at__isnull=False)
            for row in await present.order_by("id"):
                earned = await earning.award_volunteer(
                    community_id=activity.community_id,
                    person_id=row.person_id,
                    activity_id=f"activity:{activity.id}",
                    title=activity.title,
                    idempotency_key=f"activity:{activity.id}:{row.person_id}",
                    points=activity.points,
                )
                await Signup.filter(id=row.id).update(points_awarded=earned)
        await _announce(activity, NeighbourMessage.ACTIVITY_FINISHED)
        return activity
