"""Existing organisations offered as someone types theirs: pick, don't type.

Only organisations with at least one confirmed member (active or paused) are offered, so a
name typed at sign-up by someone who never confirmed cannot be planted in everyone's list; and
the answer is names only, a few at a time, so it never tells who belongs where.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process
from sqlmodel import Session, select

from unmentor.people.domains import domain_of
from unmentor.people.models import Organisation, OrganisationDomain, Participant, ParticipantStatus
from unmentor.people.normalise import organisation_key
from unmentor.people.schemas import OrganisationSuggestion

# Fewer letters than this match too much to be worth sending.
MIN_TYPED = 2
# rapidfuzz WRatio (0 to 100) for a typo-tolerant match when the plain search finds too few.
CLOSE_ENOUGH = 80
CONFIRMED = (ParticipantStatus.active, ParticipantStatus.paused)


def _with_members():
    return (
        select(Organisation.id, Organisation.name, Organisation.name_key)
        .where(
            Organisation.merged_into_id.is_(None),
            Organisation.id.in_(
                select(Participant.organisation_id).where(Participant.status.in_(CONFIRMED))
            ),
        )
        .order_by(Organisation.name_key)
    )


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
    pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    for _, name, _ in session.exec(
        _with_members().where(Organisation.name_key.like(pattern, escape="\\")).limit(limit * 2)
    ):
        if len(found) < limit and all(s.name != name for s in found):
            found.append(OrganisationSuggestion(name=name))
    found.sort(key=lambda s: (not s.owns_your_domain, not organisation_key(s.name).startswith(key)))
    if len(found) < limit:
        names = {name_key: name for _, name, name_key in session.exec(_with_members())}
        for name_key, _, _ in process.extract(
            key, list(names), scorer=fuzz.WRatio, score_cutoff=CLOSE_ENOUGH, limit=limit
        ):
            if len(found) < limit and all(s.name != names[name_key] for s in found):
                found.append(OrganisationSuggestion(name=names[name_key]))
    return found[:limit]
