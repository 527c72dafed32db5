"""Email domains owned by organisations: who signs up with one is offered that organisation.

Public webmail (gmail.com, outlook.com …, listed in the `webmail_domains` setting) never
belongs to an organisation and is never suggested.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from unmentor.errors import Conflict, InvalidInput, NotFound
from unmentor.organisers import audit
from unmentor.people.models import DOMAIN_MAX, Organisation, OrganisationDomain, Participant


def domain_of(email: str) -> str:
    """The lower-case domain of an (already normalised) address."""
    return email.rpartition("@")[2].lower()


def clean_domain(raw: str) -> str:
    """A domain as typed ("@Devon.gov.uk ") in canonical form; InvalidInput if it is not one."""
    domain = raw.strip().lstrip("@").rstrip(".").lower()
    labels = domain.split(".")
    if (
        len(domain) > DOMAIN_MAX
        or len(labels) < 2
        or not all(label and label.replace("-", "").isalnum() for label in labels)
    ):
        raise InvalidInput(f"{raw.strip()!r} is not an email domain.", field="domain")
    return domain


@dataclass(frozen=True)
class Mismatch:
    """Someone whose email domain belongs to another organisation than the one they typed."""

    participant_id: int
    name: str
    organisation: str | None
    domain: str
    owner_id: int
    owner: str


def domains_of(*, session: Session, organisation_id: int) -> list[str]:
    """The domains an organisation owns, sorted."""
    return sorted(
        session.exec(
            select(OrganisationDomain.domain).where(
                OrganisationDomain.organisation_id == organisation_id
            )
        )
    )


def all_domains(*, session: Session) -> dict[int, list[str]]:
    """Every owned domain, grouped by organisation id."""
    owned: dict[int, list[str]] = {}
    for domain, organisation_id in session.exec(
        select(OrganisationDomain.domain, OrganisationDomain.organisation_id).order_by(
            OrganisationDomain.domain
        )
    ):
        owned.setdefault(organisation_id, []).append(domain)
    return owned


def add_domain(
    *,
    session: Session,
    organisation_id: int,
    domain: str,
    webmail: frozenset[str],
    now: datetime,
) -> str:
    """Give a domain to an organisation; refused for webmail and for a domain owned already."""
    domain = clean_domain(domain)
    if domain in webmail:
        raise InvalidInput(f"{domain} is public webmail: it belongs to no one.", field="domain")
    if session.get(Organisation, organisation_id) is None:
        raise NotFound(f"No organisation with id {organisation_id}.")
    owner = session.exec(
        select(OrganisationDomain).where(OrganisationDomain.domain == domain)
    ).first()
    if owner is not None:
        if owner.organisation_id == organisation_id:
            return domain
        raise Conflict(f"{domain} already belongs to organisation {owner.organisation_id}.")
    session.add(OrganisationDomain(domain=domain, organisation_id=organisation_id, created_at=now))
    session.flush()
    audit.record(
        session=session,
        action=audit.Action.organisation_changed,
        target=f"organisation {organisation_id}",
        detail=f"domain {domain} added",
        now=now,
    )
    return domain


def remove_domain(*, session: Session, organisation_id: int, domain: str) -> None:
    """Take a domain away from an organisation; NotFound if it does not own it."""
    owned = session.exec(
        select(OrganisationDomain).where(
            OrganisationDomain.domain == clean_domain(domain),
            OrganisationDomain.organisation_id == organisation_id,
        )
    ).first()
    if owned is None:
        raise NotFound(f"Organisation {organisation_id} does not own {domain}.")
    session.delete(owned)
    session.flush()
    audit.record(
        session=session,
        action=audit.Action.organisation_changed,
        target=f"organisation {organisation_id}",
        detail=f"domain {domain} removed",
    )


def owner_of(*, session: Session, email_or_domain: str) -> Organisation | None:
    """The organisation owning this address's domain, if any."""
    domain = domain_of(email_or_domain) if "@" in email_or_domain else email_or_domain.lower()
    return session.exec(
        select(Organisation)
        .join(OrganisationDomain, OrganisationDomain.organisation_id == Organisation.id)
        .where(OrganisationDomain.domain == domain.strip())
    ).first()


def suggested_domains(
    *, session: Session, webmail: frozenset[str], at_least: int = 1
) -> dict[int, list[tuple[str, int]]]:
    """Per organisation, domains its members use that nobody owns yet, with how many use each."""
    owned = set(session.exec(select(OrganisationDomain.domain)))
    counts: Counter[tuple[int, str]] = Counter()
    for email, organisation_id in session.exec(
        select(Participant.email, Participant.organisation_id).where(
            Participant.organisation_id.is_not(None)
        )
    ):
        domain = domain_of(email)
        if domain not in webmail and domain not in owned:
            counts[organisation_id, domain] += 1
    suggestions: dict[int, list[tuple[str, int]]] = {}
    for (organisation_id, domain), n in counts.most_common():
        if n >= at_least:
            suggestions.setdefault(organisation_id, []).append((domain, n))
    return suggestions


def mismatches(*, session: Session) -> list[Mismatch]:
    """People whose domain is owned by an organisation other than theirs (or who gave none)."""
    owners = {
        domain: (organisation_id, name)
        for domain, organisation_id, name in session.exec(
            select(
                OrganisationDomain.domain, OrganisationDomain.organisation_id, Organisation.name
            ).join(Organisation, Organisation.id == OrganisationDomain.organisation_id)
        )
    }
    if not owners:
        return []
    found = []
    for pid, name, email, organisation_id, organisation in session.exec(
        select(
            Participant.id,
            Participant.name,
            Participant.email,
            Participant.organisation_id,
            Organisation.name,
        )
        .outerjoin(Organisation, Organisation.id == Participant.organisation_id)
        .order_by(Participant.id)
    ):
        owner = owners.get(domain_of(email))
        if owner is not None and owner[0] != organisation_id:
            found.append(Mismatch(pid, name, organisation, domain_of(email), owner[0], owner[1]))
    return found
