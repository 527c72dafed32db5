"""Existing organisations offered as someone types theirs: pick, don't type.

Only organisations with at least one confirmed member (active or paused) are offered, so a
name typed at sign-up by someone who never confirmed cannot be planted in everyone's list; and
the answer is names only, a few at a time, so it never tells who belongs where.

Every keystroke of everyone signing up asks, so the names on offer are read once per data
version (one primary-key read a request, see dataversion.py) and searched in memory.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process
from sqlmodel import Session, col, select

from unmentor.dataversion import current_version
from unmentor.people.domains import domain_of
from unmentor.people.models import TAKING_PART, Organisation, OrganisationDomain, Participant
from unmentor.people.normalise import organisation_key
from unmentor.people.schemas import OrganisationSuggestion

# Fewer letters than this match too much to be worth sending.
MIN_TYPED = 2
# rapidfuzz WRatio (0 to 100) for a typo-tolerant match when the plain search finds too few.
CLOSE_ENOUGH = 80


def _with_members():
    return (
        select(Organisation.id, Organisation.name, Organisation.name_key)
        .where(
            col(Organisation.merged_into_id).is_(None),
            col(Organisation.id).in_(
                select(col(Participant.organisation_id)).where(
                    col(Participant.status).in_(TAKING_PART)
                )
            ),
        )
        .order_by(Organisation.name_key)
    )


# Per database: (data version, [(name_key, name)] of organisations on offer, by name_key).
_offered_cache: dict[str, tuple[int, list[tuple[str, str]]]] = {}


def _offered(session: Session) -> list[tuple[str, str]]:
    """The organisations on offer, read again only when the data has changed since."""
    database = str(session.get_bind().engine.url)
    version = current_version(session=session)
    cached = _offered_cache.get(database)
    if cached is None or cached[0] != version:
        rows = [(name_key, name) for _, name, name_key in session.exec(_with_members())]
        # One assignment: a concurrent request sees the old pair or the new one, never half.
        _offered_cache[database] = cached = (version, rows)
    return cached[1]


def suggest(
    *, session: Session, typed: str, email: str, limit: int
) -> list[OrganisationSuggestion]:
    """Up to `limit` organisations for what was typed; the one owning the email's domain first."""
    try:
        key = organisation_key(typed)
    except ValueError:  # control characters: nothing of ours matches them
        key = ""
    found: list[OrganisationSuggestion] = []
    if "@" in email:
        owner = session.exec(
            _with_members()
            .join(OrganisationDomain, OrganisationDomain.organisation_id == Organisation.id)
            .where(OrganisationDomain.domain == domain_of(email.strip()))
        ).first()
        if owner is not None:
            found.append(OrganisationSuggestion(name=owner.name, owns_your_domain=True))
    if len(key) < MIN_TYPED:
        return found
    offered = _offered(session)
    for _, name in (entry for entry in offered if key in entry[0]):
        if len(found) >= limit:
            break
        if all(s.name != name for s in found):
            found.append(OrganisationSuggestion(name=name))
    found.sort(key=lambda s: (not s.owns_your_domain, not organisation_key(s.name).startswith(key)))
    if len(found) < limit:
        names = dict(offered)
        for name_key, _, _ in process.extract(
            key, list(names), scorer=fuzz.WRatio, score_cutoff=CLOSE_ENOUGH, limit=limit
        ):
            if len(found) < limit and all(s.name != names[name_key] for s in found):
                found.append(OrganisationSuggestion(name=names[name_key]))
    return found[:limit]
