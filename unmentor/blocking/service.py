"""Never-match lists: what participants ask on /me, what organisers manage, what matching reads.

Confidential by construction: nothing here tells the other person, and what a participant
sees of their own list is only what they already knew (a past partner's name, or the address
they typed). Typed addresses are stored as typed and matched to participants when rounds are
planned, so adding one behaves the same whether or not it belongs to anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from unmentor.blocking.models import BlockedPair, BlockSource
from unmentor.errors import Conflict, InvalidInput, NotFound
from unmentor.organisers import audit
from unmentor.people.models import Participant
from unmentor.people.normalise import normalise_email
from unmentor.rounds.models import RoundMember

# --- what matching reads ---------------------------------------------------------------------


def pairs_for_matching(*, session: Session) -> list[tuple[int, int]]:
    """Every (asker, other) pair of participant ids that must never share a group.

    Typed addresses count for their owner when typed, and for whoever has the address now;
    the engine reads each pair unordered, the asker is kept so that reasons can be worded for
    each side.
    """
    by_id = session.exec(
        select(BlockedPair.participant_id, BlockedPair.other_id).where(
            BlockedPair.other_id.is_not(None)
        )
    ).all()
    by_email = session.exec(
        select(BlockedPair.participant_id, Participant.id)
        .join(Participant, Participant.email == BlockedPair.other_email)
        .where(Participant.id != BlockedPair.participant_id)
    ).all()
    return sorted(set(by_id) | set(by_email))


# --- a participant's own list ----------------------------------------------------------------

# Typed addresses cost nothing to add, so one person could otherwise fill the table.
MAX_OWN_ENTRIES = 100


@dataclass(frozen=True)
class OwnEntry:
    """One line of someone's own list, naming only what they already know."""

    id: int
    label: str
    created_at: datetime


def past_partners(*, session: Session, participant_id: int) -> dict[int, str]:
    """Everyone the person has been introduced to (shared a group with): id -> name, by name."""
    mine, theirs = aliased(RoundMember), aliased(RoundMember)
    rows = session.exec(
        select(Participant.id, Participant.name)
        .join(theirs, theirs.participant_id == Participant.id)
        .join(
            mine,
            (mine.round_id == theirs.round_id) & (mine.group_no == theirs.group_no),
        )
        .where(mine.participant_id == participant_id, Participant.id != participant_id)
        .distinct()
    ).all()
    return dict(sorted(rows, key=lambda row: (row[1].casefold(), row[0])))


def own_entries(*, session: Session, participant_id: int) -> list[OwnEntry]:
    """The person's own requests made on /me: partners by name, typed addresses as typed."""
    other = aliased(Participant)
    rows = session.exec(
        select(BlockedPair, other.name)
        .outerjoin(other, other.id == BlockedPair.other_id)
        .where(
            BlockedPair.participant_id == participant_id,
            BlockedPair.source == BlockSource.participant,
        )
        .order_by(BlockedPair.created_at, BlockedPair.id)
    ).all()
    return [
        OwnEntry(id=row.id, label=row.other_email or name or "", created_at=row.created_at)
        for row, name in rows
    ]


def block_partner(*, session: Session, participant_id: int, other_id: int, now: datetime) -> None:
    """Never again introduce the person to this past partner (NotFound if not one)."""
    if other_id not in past_partners(session=session, participant_id=participant_id):
        # Only past partners are offered: any other id would let a page name strangers.
        raise NotFound("You can only choose someone you have been introduced to.")
    insert_once(
        session,
        participant_id=participant_id,
        other_id=other_id,
        other_email=None,
        source=BlockSource.participant,
        now=now,
    )


def block_email(*, session: Session, participant_id: int, email: str, now: datetime) -> str:
    """Never introduce the person to whoever has (or will have) this address.

    Stored as typed, whether or not anyone has the address, so that nothing the page shows
    or does afterwards differs between the two. Returns the normalised address.
    """
    try:
        address = normalise_email(email)
    except ValueError as error:
        raise InvalidInput(str(error), field="email") from None
    own = session.exec(select(Participant.email).where(Participant.id == participant_id)).one()
    if address == own:
        raise InvalidInput("That is your own address.", field="email")
    if len(own_entries(session=session, participant_id=participant_id)) >= MAX_OWN_ENTRIES:
        # Counted the same whether or not the addresses belong to anyone.
        raise InvalidInput(
            f"Your list is full ({MAX_OWN_ENTRIES} entries): remove one first.", field="email"
        )
    insert_typed(
        session,
        participant_id=participant_id,
        address=address,
        source=BlockSource.participant,
        now=now,
    )
    return address


def insert_typed(
    session: Session, *, participant_id: int, address: str, source: BlockSource, now: datetime
) -> BlockedPair | None:
    """Store a typed address, tied to its owner now if there is one (None if already there).

    The tie keeps the pair apart even if the owner later changes address; the address stays
    for the asker's own list. Someone who only later takes part is found by address instead.
    """
    owner = session.exec(
        select(Participant.id).where(Participant.email == address, Participant.id != participant_id)
    ).first()
    if owner is not None:
        picked = select(BlockedPair.id).where(
            BlockedPair.participant_id == participant_id, BlockedPair.other_id == owner
        )
        if session.exec(picked).first() is not None:
            owner = None  # already kept apart by id; the typed row only records the address
    return insert_once(
        session,
        participant_id=participant_id,
        other_id=owner,
        other_email=address,
        source=source,
        now=now,
    )


def remove_own(*, session: Session, participant_id: int, entry_id: int) -> None:
    """Remove one of the person's own /me entries (NotFound if it is not theirs)."""
    removed = session.exec(
        delete(BlockedPair).where(
            BlockedPair.id == entry_id,
            BlockedPair.participant_id == participant_id,
            BlockedPair.source == BlockSource.participant,
        )
    )
    if removed.rowcount == 0:
        raise NotFound("That entry is not on your list.")


def insert_once(
    session: Session,
    *,
    participant_id: int,
    other_id: int | None,
    other_email: str | None,
    source: BlockSource,
    now: datetime,
) -> BlockedPair | None:
    """Insert the row unless the same request exists; the existing one stands (None)."""
    same = select(BlockedPair.id).where(BlockedPair.participant_id == participant_id)
    # A typed address is the same request as the same address typed before; otherwise the
    # same person, however they were added.
    same = same.where(
        BlockedPair.other_email == other_email
        if other_email is not None
        else BlockedPair.other_id == other_id
    )
    if session.exec(same).first() is not None:
        return None
    row = BlockedPair(
        participant_id=participant_id,
        other_id=other_id,
        other_email=other_email,
        source=source,
        created_at=now,
    )
    try:
        # A savepoint: a twin request committed meanwhile leaves our transaction usable.
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


# --- organisers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairView:
    """A blocked pair as organisers see it: both people, where it came from, when."""

    pair: BlockedPair
    asker: Participant
    other: Participant | None  # None: a typed address that belongs to nobody yet


def _views(session: Session, rows: list[BlockedPair]) -> list[PairView]:
    ids = {r.participant_id for r in rows} | {r.other_id for r in rows if r.other_id}
    emails = {r.other_email for r in rows if r.other_id is None}
    people = session.exec(
        select(Participant).where(or_(Participant.id.in_(ids), Participant.email.in_(emails)))
    ).all()
    by_id = {p.id: p for p in people}
    by_email = {p.email: p for p in people}
    return [
        PairView(
            pair=r,
            asker=by_id[r.participant_id],
            other=by_id.get(r.other_id) if r.other_id else by_email.get(r.other_email),
        )
        for r in rows
    ]


def list_pairs(
    *, session: Session, participant_id: int | None, offset: int, limit: int
) -> tuple[list[PairView], int]:
    """A page of blocked pairs, newest first; with `participant_id`, those naming them."""
    query = select(BlockedPair)
    if participant_id is not None:
        email = select(Participant.email).where(Participant.id == participant_id)
        query = query.where(
            or_(
                BlockedPair.participant_id == participant_id,
                BlockedPair.other_id == participant_id,
                BlockedPair.other_email.in_(email.scalar_subquery()),
            )
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(BlockedPair.created_at.desc(), BlockedPair.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return _views(session, list(rows)), total


def get_pair(*, session: Session, pair_id: int) -> PairView:
    """One blocked pair, or NotFound."""
    row = session.get(BlockedPair, pair_id)
    if row is None:
        raise NotFound(f"No blocked pair with id {pair_id}.")
    return _views(session, [row])[0]


def create_pair(
    *,
    session: Session,
    participant_id: int,
    other_id: int,
    now: datetime,
    source: BlockSource = BlockSource.organiser,
) -> PairView:
    """Keep two participants apart, recorded as asked by the first (Conflict if already)."""
    if participant_id == other_id:
        raise InvalidInput("A person cannot be kept apart from themselves.", field="other_id")
    for field, pid in (("participant_id", participant_id), ("other_id", other_id)):
        if session.get(Participant, pid) is None:
            raise NotFound(f"No participant with id {pid} ({field}).")
    row = insert_once(
        session,
        participant_id=participant_id,
        other_id=other_id,
        other_email=None,
        source=source,
        now=now,
    )
    if row is None:
        raise Conflict("This pair is already blocked, asked by the same person.")
    session.flush()
    audit.record(
        session=session,
        action=audit.Action.block,
        target=f"participants {participant_id} and {other_id}",
        detail=f"pair {row.id}",
        now=now,
    )
    return _views(session, [row])[0]


def participant_by_email(*, session: Session, email: str, field: str) -> Participant:
    """The participant with this address, for organisers (InvalidInput naming `field`)."""
    try:
        address = normalise_email(email)
    except ValueError as error:
        raise InvalidInput(str(error), field=field) from None
    found = session.exec(select(Participant).where(Participant.email == address)).first()
    if found is None:
        raise InvalidInput(f"No participant has the address {address}.", field=field)
    return found


def delete_pair(*, session: Session, pair_id: int) -> None:
    """Remove a blocked pair, whoever made it (NotFound if none)."""
    removed = session.exec(delete(BlockedPair).where(BlockedPair.id == pair_id))
    if removed.rowcount == 0:
        raise NotFound(f"No blocked pair with id {pair_id}.")
    audit.record(session=session, action=audit.Action.unblock, target=f"pair {pair_id}")


# --- what people are told --------------------------------------------------------------------

# Said instead of the engine's reason when blocking is part of it and the person asked nobody:
# "someone asked not to meet you" must never reach them, not even between the lines.
NEUTRAL_NO_PARTNER = "nobody available this round could be a new partner"


def reason_for_participant(reason: str, *, asked: bool) -> str:
    """The sit-out reason a person may be told (and that is kept in their records)."""
    kind = getattr(reason, "kind", None)
    if kind is not None and "BLOCKED" in kind.name and not asked:
        return NEUTRAL_NO_PARTNER
    return str(reason)
