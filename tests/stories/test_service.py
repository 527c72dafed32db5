"""Stories in the services: sharing, review, what the public sees, and erasure (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from tests.factories import make_participant, make_round
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.demo import build_demo
from unmentor.errors import Conflict, InvalidInput, NotFound
from unmentor.people.models import ParticipantStatus
from unmentor.privacy.erasure import erase
from unmentor.privacy.registry import REGISTRY
from unmentor.rounds.models import Outcome, RoundMember
from unmentor.rounds.tokens import outcome_token
from unmentor.settings import load_settings
from unmentor.stories import published, service
from unmentor.stories.models import STORY_MAX, Attribution, Story, StoryStatus

SECRET = "stories-secret-key-0123456789abcdef"
MIN = 4


@pytest.fixture
def settings(database_url: str):
    return load_settings(database_url=database_url, secret_key=SECRET, public_min_people=MIN)


@pytest.fixture
def community(database: Database):
    """Round 1 (closed, everyone met): Ann+Bob, Cat+Dan; four in Health, one in Zoology."""
    with database.session() as session:
        ann = make_participant(
            session, name="Ann Aardvark", organisation="Acme Ltd", sector="Health"
        )
        bob = make_participant(
            session, name="Bob Bramble", organisation="Bree Trust", sector="Health"
        )
        cat = make_participant(
            session, name="Cat Cobble", organisation="Cedar Co", sector="Zoology"
        )
        dan = make_participant(session, name="Dan Dimble", organisation="Dune Ltd", sector="Health")
        eve = make_participant(session, name="Eve Elm", organisation="Elm Inc", sector="Health")
        round_ = make_round(session, [[ann, bob], [cat, dan]], number=1, period="2026-10")
        # Eve sat in no group: the round has four people, the scheme five.
        ids = {p.name.split()[0].lower(): p.id for p in (ann, bob, cat, dan, eve)}
        return round_.id, ids


def _token(round_id: int, pid: int) -> str:
    return outcome_token(SECRET, round_id, pid)


def _share(database, settings, round_id, pid, text="We talked about rivers.", **kw) -> Story:
    with database.session() as session:
        story = service.share(
            session=session,
            settings=settings,
            token=_token(round_id, pid),
            text=text,
            attribution=kw.get("attribution", Attribution.sector),
            now=kw.get("now", utcnow()),
        )
        return story.id


def _public(database, min_people=MIN, limit=None):
    with database.read_session() as session:
        return published.approved_stories(session=session, min_people=min_people, limit=limit)


def _approve(database, story_id, **kw):
    with database.session() as session:
        service.approve(session=session, story_id=story_id, now=kw.pop("now", utcnow()), **kw)


def test_a_story_is_shown_only_once_approved(database, settings, community) -> None:
    round_id, ids = community
    story_id = _share(
        database, settings, round_id, ids["ann"], text="  We talked\n\nabout rivers. "
    )
    with database.read_session() as session:
        assert session.get(Story, story_id).text == "We talked about rivers."
    assert _public(database) == []
    _approve(database, story_id)
    [shown] = _public(database)
    assert (shown.id, shown.text, shown.month, shown.round_number) == (
        story_id,
        "We talked about rivers.",
        "October 2026",
        1,
    )
    assert shown.attribution == "a participant from Health"
    with database.session() as session:
        service.reject(session=session, story_id=story_id, now=utcnow())
    assert _public(database) == []


def test_attribution_names_a_sector_only_when_enough_share_it(
    database, settings, community
) -> None:
    round_id, ids = community
    cat = _share(database, settings, round_id, ids["cat"])  # Zoology: only Cat
    dan = _share(database, settings, round_id, ids["dan"], attribution=Attribution.anonymous)
    ann = _share(database, settings, round_id, ids["ann"])  # Health: four people
    now = utcnow()
    for n, story_id in enumerate((cat, dan, ann)):
        _approve(database, story_id, now=now + timedelta(seconds=n))
    shown = _public(database)
    # Newest approval first.
    assert [s.id for s in shown] == [ann, dan, cat]
    assert [s.attribution for s in shown] == ["a participant from Health", None, "a participant"]
    assert [s.id for s in _public(database, limit=2)] == [ann, dan]


def test_nothing_is_public_while_the_scheme_or_the_round_is_small(
    database, settings, community
) -> None:
    round_id, ids = community
    _approve(database, _share(database, settings, round_id, ids["ann"]))
    assert len(_public(database, min_people=4)) == 1
    # The round has four people: at five it is not published, though the scheme has five.
    assert _public(database, min_people=5) == []
    with database.session() as session:
        for name in ("cat", "dan", "eve"):
            person = session.get(published.Participant, ids[name])
            person.status = ParticipantStatus.left
            session.add(person)
    with database.read_session() as session:
        assert not published.scheme_is_public(session=session, min_people=3)
    assert _public(database, min_people=3) == []


def test_only_a_member_who_met_may_share_and_a_new_story_is_read_again(
    database, settings, community
) -> None:
    round_id, ids = community
    with database.session() as session:
        member = session.exec(
            select(RoundMember).where(RoundMember.participant_id == ids["bob"])
        ).one()
        member.outcome = Outcome.not_met
        session.add(member)
    with pytest.raises(Conflict):
        _share(database, settings, round_id, ids["bob"])
    first = _share(database, settings, round_id, ids["ann"])
    _approve(database, first, text="We talked about canals.")
    again = _share(database, settings, round_id, ids["ann"], text="Second thoughts.")
    assert again == first
    with database.read_session() as session:
        story = session.get(Story, first)
        assert (story.text, story.status, story.edited, story.decided_at) == (
            "Second thoughts.",
            StoryStatus.pending,
            False,
            None,
        )
    # An author who changes their answer to "we didn't meet" has nothing to show.
    _approve(database, first)
    with database.session() as session:
        member = session.exec(
            select(RoundMember).where(RoundMember.participant_id == ids["ann"])
        ).one()
        member.outcome = Outcome.not_met
        session.add(member)
    assert _public(database) == []
    with database.session() as session:
        assert service.withdraw(
            session=session, settings=settings, token=_token(round_id, ids["ann"])
        )
        assert session.exec(select(Story)).all() == []


def test_text_rules(database, settings, community) -> None:
    round_id, ids = community
    _share(database, settings, round_id, ids["ann"], text="x" * STORY_MAX)
    for bad in ("x" * (STORY_MAX + 1), "   ", "a\x00b", "bell\x07"):
        with pytest.raises(InvalidInput):
            _share(database, settings, round_id, ids["ann"], text=bad)


@given(st.text(max_size=700))
def test_clean_text_is_bounded_tidy_and_stable(text: str) -> None:
    try:
        cleaned = service.clean_text(text)
    except InvalidInput:
        return
    assert 0 < len(cleaned) <= STORY_MAX
    assert cleaned == cleaned.strip() and "  " not in cleaned and "\n" not in cleaned
    assert "\u202e" not in cleaned and "\u200b" not in cleaned
    assert service.clean_text(cleaned) == cleaned


def test_review_order_edit_and_names_found(database, settings, community) -> None:
    round_id, ids = community
    start = utcnow()
    old = _share(database, settings, round_id, ids["cat"], now=start, text="Cat met dan.")
    new = _share(database, settings, round_id, ids["ann"], now=start + timedelta(seconds=1))
    done = _share(database, settings, round_id, ids["bob"], now=start + timedelta(seconds=2))
    _approve(database, done)
    with database.session() as session:
        reviews, total = service.list_for_review(session=session)
        assert total == 3
        assert [r.story.id for r in reviews] == [old, new, done]
        first = reviews[0]
        assert (first.author, first.partners, first.author_sector) == (
            "Cat Cobble",
            ["Dan Dimble"],
            "Zoology",
        )
        assert first.names_found == ["Cat", "Dan"]
        service.edit(session=session, story_id=old, text="We met.", now=utcnow())
        edited = service.review_of(session=session, story_id=old)
        assert (edited.story.text, edited.story.edited, edited.story.status) == (
            "We met.",
            True,
            StoryStatus.pending,
        )
        assert edited.names_found == []
        pending, count = service.list_for_review(session=session, status=StoryStatus.pending)
        assert count == 2 and {r.story.id for r in pending} == {old, new}
        with pytest.raises(NotFound):
            service.approve(session=session, story_id=10_000, now=utcnow())


@pytest.mark.parametrize("erased", ["ann", "bob"])
def test_erasing_either_member_removes_the_story(database, settings, community, erased) -> None:
    round_id, ids = community
    ann = _share(database, settings, round_id, ids["ann"])
    other_group = _share(database, settings, round_id, ids["cat"])
    with database.session() as session:
        erase(session=session, participant_id=ids[erased], settings=settings, now=utcnow())
    with database.read_session() as session:
        left = session.exec(select(Story.id)).all()
    assert left == [other_group]
    assert ann not in left


def test_the_download_shows_only_the_authors_own_stories(database, settings, community) -> None:
    round_id, ids = community
    _share(database, settings, round_id, ids["ann"], text="Rivers and «canals».")
    export = next(h.export for h in REGISTRY if h.place == "story")
    with database.read_session() as session:
        mine = export(session, session.get(published.Participant, ids["ann"]))
        theirs = export(session, session.get(published.Participant, ids["bob"]))
    assert [s["text"] for s in mine] == ["Rivers and «canals»."]
    assert mine[0]["status"] == "pending" and mine[0]["shown_as"] == "sector"
    assert theirs == []


def test_the_demo_tells_stories(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    settings = load_settings(database_url=sqlite_url)
    build_demo(database=database, settings=settings, people=80, rounds=3, seed=11)
    with database.read_session() as session:
        shown = published.approved_stories(session=session, min_people=settings.public_min_people)
        pending, _ = service.list_for_review(session=session, status=StoryStatus.pending)
    assert shown and pending
    assert all(s.attribution is None or s.attribution.startswith("a participant") for s in shown)
    database.dispose()


@given(
    choice=st.sampled_from(list(Attribution)),
    sector=st.none() | st.text(max_size=30),
    size=st.integers(0, 20),
    min_people=st.integers(2, 12),
)
def test_a_signature_is_a_common_sector_or_nobody(choice, sector, size, min_people) -> None:
    folded = published._fold(sector)
    signed = published.attribution_of(
        choice, sector, sector_sizes={folded: size} if folded else {}, min_people=min_people
    )
    if choice == Attribution.anonymous:
        assert signed is None
    elif folded and size >= min_people:
        assert signed == f"a participant from {' '.join(sector.split())}"
    else:
        assert signed == "a participant"


def test_a_second_chance_group_has_its_own_story(database, settings, community) -> None:
    round_id, ids = community
    # Ann and Cat, who also met in round 1's first groups, meet again in a second-chance group.
    with database.session() as session:
        for name in ("ann", "cat"):
            session.add(
                RoundMember(
                    round_id=round_id,
                    group_no=3,
                    participant_id=ids[name],
                    chance=2,
                    outcome=Outcome.met,
                )
            )
    first = _share(database, settings, round_id, ids["ann"], text="With Bob.")
    with database.session() as session:
        second = service.share(
            session=session,
            settings=settings,
            token=outcome_token(SECRET, round_id, ids["ann"], 2),
            text="With Cat.",
            attribution=Attribution.anonymous,
            now=utcnow(),
        ).id
        assert second != first
        assert service.review_of(session=session, story_id=second).partners == ["Cat Cobble"]
        # Erasing Cat takes the story of the conversation with Cat, not the one with Bob.
        erase(session=session, participant_id=ids["cat"], settings=settings, now=utcnow())
    with database.read_session() as session:
        assert session.exec(select(Story.id)).all() == [first]


def test_an_organisers_review_is_in_the_audit_log(database, settings, community) -> None:
    """Editing, approving and rejecting are organiser actions: one entry each, a no-op none."""
    from unmentor.organisers import service as organisers
    from unmentor.organisers.actor import Actor, acting_as
    from unmentor.organisers.models import AuditEntry, OrganiserRole

    round_id, ids = community
    story_id = _share(database, settings, round_id, ids["ann"])
    with database.session() as session:
        olga = organisers.add(
            session=session,
            name="Olga",
            email="olga@example.org",
            role=OrganiserRole.organiser,
            settings=settings,
            now=utcnow(),
        )
        olga_id = olga.id
    with acting_as(Actor(id=olga_id, name="Olga", role=OrganiserRole.organiser)):
        _approve(database, story_id, text="We talked about canals.")
        _approve(database, story_id)  # already approved: nothing happens, nothing is noted
        with database.session() as session:
            service.reject(session=session, story_id=story_id, now=utcnow())
    with database.read_session() as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.target, e.organiser_name) for e in entries] == [
        ("story edited", f"story {story_id}", "Olga"),
        ("story approved", f"story {story_id}", "Olga"),
        ("story rejected", f"story {story_id}", "Olga"),
    ]
    assert all("canals" not in e.detail for e in entries), "the words stay with the story"
