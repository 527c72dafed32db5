"""Organisations that are really one: likely duplicates, merging, and splitting a merge again.

The cross-organisation rule is only as good as the names people type, so an organiser needs
to see "Devon CC" beside "Devon County Council" and fold one into the other.

What a merge does: every member of the source moves to the target (recorded, so a split can
move exactly them back), the source's domains and child organisations move too, and the
source stays as an alias (`merged_into_id`), so that someone typing the old spelling joins the
target. Rounds are untouched: they name people, not organisations.

What a split can and cannot undo: it moves back the recorded people who are still in the
target, restores the source as an organisation of its own and marks the merge split. It cannot
tell where people who joined after the merge belong (they stay in the target), it does not move
domains or child organisations back (an organiser reassigns them), and people erased since are
gone. It is refused while the source or the target has since been merged into another: split
that later merge first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from rapidfuzz import fuzz, process
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from unmentor.errors import Conflict, InvalidInput, NotFound
from unmentor.organisers import audit
from unmentor.people.domains import domain_of
from unmentor.people.models import (
    Organisation,
    OrganisationDomain,
    OrganisationMerge,
    OrganisationMergeMember,
    Participant,
)

# fuzz.ratio (0 to 100, letter by letter) at or above this marks two names as likely one:
# "devon county council" / "devon conty council" score 97, while "north devon council" /
# "south devon council" score 89 and "devon county council" / "cornwall county council" 79.
SIMILAR_NAMES = 90
# Words that say nothing about which organisation it is.
_FILLER = {"the", "of", "and", "for", "&", "ltd", "limited", "plc", "inc"}
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True)
class OrganisationCount:
    id: int
    name: str
    members: int


@dataclass(frozen=True)
class LikelyDuplicate:
    first: OrganisationCount
    second: OrganisationCount
    reason: str  # "same email domain example.org", "similar names (92)", "abbreviation"


def words(name: str) -> list[str]:
    """The words of a name that identify it, lower-case, without filler words."""
    return [w for w in _WORD.findall(name.casefold()) if w not in _FILLER]


# A name longer than this is not abbreviated: its variants grow as 2 ** words.
ABBREVIATED_WORDS_MAX = 10


def abbreviations(long: list[str]) -> set[tuple[str, ...]]:
    """Every way of writing `long` with some runs of two or more words as their initials.

    ["devon", "county", "council"] gives ("devon", "cc"), ("dcc",), ("dc", "council") …
    """
    if len(long) > ABBREVIATED_WORDS_MAX:
        return set()
    found: set[tuple[str, ...]] = set()

    def walk(start: int, written: tuple[str, ...]) -> None:
        if start == len(long):
            if len(written) < len(long):
                found.add(written)
            return
        walk(start + 1, (*written, long[start]))
        for end in range(start + 2, len(long) + 1):
            walk(end, (*written, "".join(w[0] for w in long[start:end])))

    walk(0, ())
    return found


def abbreviates(short: list[str], long: list[str]) -> bool:
    """Whether `short` is `long` with some runs of words written as their initials.

    "devon cc" abbreviates "devon county council", and so does "dcc"; "devon" alone does not
    (a prefix is not an abbreviation: it is left to the similarity measure).
    """
    return tuple(short) in abbreviations(long)


def organisation_counts(*, session: Session) -> list[OrganisationCount]:
    """Every organisation that is not an alias, with how many participants it has."""
    members = (
        select(Participant.organisation_id, func.count().label("n"))
        .group_by(col(Participant.organisation_id))
        .subquery()
    )
    rows = session.exec(
        select(Organisation.id, Organisation.name, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.organisation_id == Organisation.id)
        .where(col(Organisation.merged_into_id).is_(None))
        .order_by(Organisation.name_key)
    ).all()
    return [OrganisationCount(id=i, name=n, members=c) for i, n, c in rows]


def likely_duplicates(*, session: Session, webmail: frozenset[str]) -> list[LikelyDuplicate]:
    """Pairs of organisations that are probably one, most likely first.

    Members or owned domains in common, one name an abbreviation of the other, one name's
    words all inside the other's, or names close letter by letter (rapidfuzz). Names are
    compared all against all in rapidfuzz's C code (`cdist`); bench/duplicates.py measures it.
    """
    organisations = organisation_counts(session=session)
    by_id = {o.id: o for o in organisations}
    found: dict[tuple[int, int], str] = {}

    for domain, first, second in _shared_domains(session, by_id, webmail):
        found.setdefault((first, second), f"members share the email domain {domain}")

    tokens = [words(o.name) for o in organisations]
    # Each name's abbreviations looked up among the names as written: linear, not pairwise.
    written: dict[tuple[str, ...], list[int]] = {}
    for organisation, name_words in zip(organisations, tokens, strict=True):
        written.setdefault(tuple(name_words), []).append(organisation.id)
    for organisation, name_words in zip(organisations, tokens, strict=True):
        for variant in abbreviations(name_words):
            for other in written.get(variant, ()):
                found.setdefault(_key(organisation.id, other), "abbreviation")

    names = [" ".join(t) for t in tokens]
    if len(names) > 1:
        # One name's words all inside the other's ("… (Children's Services)", "… Trust").
        inside = process.cdist(
            names, names, scorer=fuzz.token_set_ratio, score_cutoff=100, workers=1
        )
        for i, j in zip(*inside.nonzero(), strict=True):
            if i < j and names[i] and names[j]:
                key = _key(organisations[i].id, organisations[j].id)
                found.setdefault(key, "one name contains the other")
        # A typo or a spelling: close letter by letter. Not word sets, which would pair
        # "North Devon Council" with "South Devon Council".
        close = process.cdist(
            names, names, scorer=fuzz.ratio, score_cutoff=SIMILAR_NAMES, workers=1
        )
        for i, j in zip(*close.nonzero(), strict=True):
            if i < j and names[i] and names[j]:
                key = _key(organisations[i].id, organisations[j].id)
                found.setdefault(key, f"similar names ({close[i, j]:.0f}%)")

    ranked = sorted(found.items(), key=lambda item: (not item[1].startswith("members"), item[0]))
    return [LikelyDuplicate(by_id[a], by_id[b], reason) for (a, b), reason in ranked]


def _key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _shared_domains(
    session: Session, by_id: dict[int, OrganisationCount], webmail: frozenset[str]
) -> list[tuple[str, int, int]]:
    """(domain, a, b) for two organisations whose members use (or that own) one domain.

    Public webmail is left out: two gmail.com users say nothing about their employers.
    """
    owners: dict[str, set[int]] = {}
    owned = dict(
        session.exec(select(OrganisationDomain.domain, OrganisationDomain.organisation_id)).all()
    )
    for email, organisation_id in session.exec(
        select(Participant.email, Participant.organisation_id).where(
            col(Participant.organisation_id).is_not(None)
        )
    ):
        domain = domain_of(email)
        if organisation_id in by_id and domain not in webmail:
            owners.setdefault(domain, set()).add(organisation_id)
    for domain, owner in owned.items():
        if owner in by_id:
            owners.setdefault(domain, set()).add(owner)
    return [
        (domain, *_key(a, b))
        for domain, ids in sorted(owners.items())
        for a, b in combinations(sorted(ids), 2)
    ]


def separation_keys(*, session: Session, separate_by: str) -> dict[int, int]:
    """For each organisation id, the id whose members must never be grouped together.

    With "organisation" every organisation is its own; with "parent" it is the top of its
    chain of parents, so two departments of one council, and the council itself, share one.
    """
    parents = dict(session.exec(select(Organisation.id, Organisation.parent_id)).all())
    if separate_by != "parent":
        return {organisation_id: organisation_id for organisation_id in parents}
    keys = {}
    for organisation_id in parents:
        top, seen = organisation_id, {organisation_id}
        while (parent := parents.get(top)) is not None and parent not in seen:
            top = parent
            seen.add(top)
        keys[organisation_id] = top
    return keys


def parents(*, session: Session) -> dict[int, int]:
    """Each organisation that has a parent, with its parent's id."""
    return {
        organisation_id: parent_id
        for organisation_id, parent_id in session.exec(
            select(Organisation.id, Organisation.parent_id).where(
                col(Organisation.parent_id).is_not(None)
            )
        )
        if parent_id is not None
    }


def set_parent(*, session: Session, organisation_id: int, parent_id: int | None) -> None:
    """Place an organisation under a parent (None: under none); refused if it makes a loop."""
    organisation = _live(session, organisation_id)
    if parent_id is not None:
        parent = _live(session, parent_id)
        ancestor: Organisation | None = parent
        while ancestor is not None:
            if ancestor.id == organisation.id:
                raise InvalidInput(
                    f"{parent.name!r} is inside {organisation.name!r}: that would make a loop.",
                    field="parent_id",
                )
            ancestor = (
                None
                if ancestor.parent_id is None
                else session.get(Organisation, ancestor.parent_id)
            )
    organisation.parent_id = parent_id
    session.add(organisation)
    session.flush()
    audit.record(
        session=session,
        action=audit.Action.organisation_changed,
        target=f"organisation {organisation_id}",
        detail=f"parent {parent_id}",
    )


def _live(session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"No organisation with id {organisation_id}.")
    if organisation.merged_into_id is not None:
        raise Conflict(
            f"{organisation.name!r} was merged into organisation {organisation.merged_into_id}."
        )
    return organisation


def resolve(*, session: Session, organisation: Organisation) -> Organisation:
    """The organisation an alias was merged into (following merges of merges)."""
    seen = set()
    while organisation.merged_into_id is not None and organisation.id not in seen:
        seen.add(organisation.id)
        organisation = session.get_one(Organisation, organisation.merged_into_id)
    return organisation


def merge(*, session: Session, source_id: int, target_id: int, now: datetime) -> OrganisationMerge:
    """Fold `source` into `target`: its members, domains and children move; it becomes an alias."""
    if source_id == target_id:
        raise InvalidInput("An organisation cannot be merged into itself.", field="target_id")
    source = _live(session, source_id)
    target = _live(session, target_id)
    moved = session.exec(
        select(Participant.id).where(Participant.organisation_id == source.id)
    ).all()
    record = OrganisationMerge(
        source_id=source.id,
        target_id=target.id,
        source_name=source.name,
        target_name=target.name,
        moved=len(moved),
        merged_at=now,
    )
    session.add(record)
    session.flush()
    session.add_all(OrganisationMergeMember(merge_id=record.id, participant_id=p) for p in moved)
    session.exec(
        update(Participant)
        .where(col(Participant.organisation_id) == source.id)
        .values(organisation_id=target.id, updated_at=now)
    )
    session.exec(
        update(OrganisationDomain)
        .where(col(OrganisationDomain.organisation_id) == source.id)
        .values(organisation_id=target.id)
    )
    session.exec(
        update(Organisation)
        .where(col(Organisation.parent_id) == source.id, col(Organisation.id) != target.id)
        .values(parent_id=target.id)
    )
    if target.parent_id == source.id:
        target.parent_id = source.parent_id
    source.merged_into_id = target.id
    source.parent_id = None
    session.add_all([source, target])
    session.flush()
    audit.record(
        session=session,
        action=audit.Action.organisation_changed,
        target=f"organisation {source_id}",
        detail=f"merged into organisation {target_id}",
        now=now,
    )
    return record


def split(*, session: Session, merge_id: int, now: datetime) -> int:
    """Undo a merge as far as it still can be (see the module's docstring); how many moved back."""
    record = session.get(OrganisationMerge, merge_id)
    if record is None:
        raise NotFound(f"No merge with id {merge_id}.")
    if record.split_at is not None:
        raise Conflict("This merge was already split.")
    source = session.get_one(Organisation, record.source_id)
    target = session.get_one(Organisation, record.target_id)
    if source.merged_into_id != target.id or target.merged_into_id is not None:
        raise Conflict(
            "One of these organisations has been merged again since: split that merge first."
        )
    members = select(OrganisationMergeMember.participant_id).where(
        OrganisationMergeMember.merge_id == record.id
    )
    result = session.exec(
        update(Participant)
        .where(col(Participant.id).in_(members), col(Participant.organisation_id) == target.id)
        .values(organisation_id=source.id, updated_at=now)
    )
    source.merged_into_id = None
    record.split_at = now
    session.add_all([source, record])
    session.flush()
    audit.record(
        session=session,
        action=audit.Action.organisation_changed,
        target=f"merge {merge_id}",
        detail="split",
        now=now,
    )
    return result.rowcount


def merges(*, session: Session) -> list[OrganisationMerge]:
    """Every merge, newest first."""
    return list(
        session.exec(
            select(OrganisationMerge).order_by(
                col(OrganisationMerge.merged_at).desc(), col(OrganisationMerge.id).desc()
            )
        )
    )
