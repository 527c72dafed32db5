"""Organisations that are really one: likely duplicates, merge and split, parents in forming."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from tests.conftest import LiveServer
from tests.factories import make_participant, make_round
from unmentor.clock import utcnow
from unmentor.errors import Conflict, InvalidInput
from unmentor.people import organisations, service
from unmentor.people.models import Organisation, Participant
from unmentor.rounds import merge_cost
from unmentor.rounds.forming import plan_round


def test_abbreviations_are_runs_of_initials() -> None:
    long = organisations.words("Devon County Council")
    assert organisations.abbreviates(organisations.words("Devon CC"), long)
    assert organisations.abbreviates(["dcc"], long)
    assert not organisations.abbreviates(["devon"], long)
    assert not organisations.abbreviates(organisations.words("Cornwall CC"), long)


def _names(found) -> set[frozenset[str]]:
    return {frozenset((d.first.name, d.second.name)) for d in found}


def test_likely_duplicates_are_found_and_unrelated_names_are_not(database) -> None:
    with database.session() as session:
        for name, email in [
            ("Devon County Council", "a@devon.gov.uk"),
            ("Devon CC", "b@gmail.com"),
            ("DCC", "c@gmail.com"),
            ("Devon County Council (Children's Services)", "d@gmail.com"),
            ("Cornwall County Council", "e@cornwall.gov.uk"),
            ("Kernow Council", "f@cornwall.gov.uk"),
            ("Exeter Uni", "g@gmail.com"),
            ("Plymouth Library", "h@gmail.com"),
        ]:
            make_participant(session, organisation=name, email=email)
        found = organisations.likely_duplicates(session=session, webmail=frozenset({"gmail.com"}))
    pairs = _names(found)
    devon = "Devon County Council"
    assert {frozenset((devon, "Devon CC")), frozenset((devon, "DCC"))} <= pairs
    assert frozenset((devon, "Devon County Council (Children's Services)")) in pairs
    assert frozenset(("Cornwall County Council", "Kernow Council")) in pairs  # one domain
    assert frozenset((devon, "Cornwall County Council")) not in pairs
    assert frozenset(("Exeter Uni", "Plymouth Library")) not in pairs  # webmail says nothing
    reasons = {frozenset((d.first.name, d.second.name)): d.reason for d in found}
    assert "cornwall.gov.uk" in reasons[frozenset(("Cornwall County Council", "Kernow Council"))]
    assert all(d.first.members == 1 for d in found)


def test_merge_moves_members_keeps_an_alias_shows_the_cost_and_splits(database) -> None:
    with database.session() as session:
        (ann,) = [make_participant(session, organisation="Devon County Council")]
        bob = make_participant(session, organisation="Devon CC")
        cat = make_participant(session, organisation="Elsewhere")
        make_round(session, [[ann, bob], [cat]], number=1, period="2026-01")
        now = utcnow()
        target = service.find_organisation(session=session, name="Devon County Council")
        source = service.find_organisation(session=session, name="devon cc")
        record = organisations.merge(
            session=session, source_id=source.id, target_id=target.id, now=now
        )
        assert record.moved == 1
        assert session.get(Participant, bob.id).organisation_id == target.id
        pairs = merge_cost.pairs_across(session=session, merge_id=record.id)
        assert [(p.round_number, p.source_member, p.target_member) for p in pairs] == [
            (1, bob.id, ann.id)
        ]
        # The old spelling now leads to the organisation it was merged into.
        assert service.get_or_create_organisation(session=session, name="DEVON CC", now=now).id == (
            target.id
        )
        newcomer = make_participant(session, organisation="Devon CC")
        listed, total = service.list_organisations(session=session, search=None, offset=0, limit=9)
        assert "Devon CC" not in {o.name for o in listed} and total == 2
        with pytest.raises(Conflict):
            organisations.merge(session=session, source_id=source.id, target_id=target.id, now=now)
        assert organisations.split(session=session, merge_id=record.id, now=now) == 1
        assert session.get(Participant, bob.id).organisation_id == source.id
        # Who joined after the merge stays where the merge put them: nothing says otherwise.
        assert session.get(Participant, newcomer.id).organisation_id == target.id
        with pytest.raises(Conflict):
            organisations.split(session=session, merge_id=record.id, now=now)


def test_a_split_waits_for_a_later_merge_to_be_split_first(database) -> None:
    now = utcnow()
    with database.session() as session:
        a, b, c = (make_participant(session, organisation=name).organisation_id for name in "ABC")
        first = organisations.merge(session=session, source_id=a, target_id=b, now=now)
        second = organisations.merge(session=session, source_id=b, target_id=c, now=now)
        with pytest.raises(Conflict):
            organisations.split(session=session, merge_id=first.id, now=now)
        organisations.split(session=session, merge_id=second.id, now=now)
        organisations.split(session=session, merge_id=first.id, now=now)
        counts = {o.name: o.members for o in organisations.organisation_counts(session=session)}
    assert counts == {"A": 1, "B": 1, "C": 1}


def test_parents_refuse_loops(database) -> None:
    with database.session() as session:
        council, department = (
            make_participant(session, organisation=name).organisation_id
            for name in ("Council", "Council Housing")
        )
        organisations.set_parent(session=session, organisation_id=department, parent_id=council)
        with pytest.raises(InvalidInput):
            organisations.set_parent(session=session, organisation_id=council, parent_id=department)
        keys = organisations.separation_keys(session=session, separate_by="parent")
    assert keys[department] == keys[council] == council


def test_merging_over_the_api(server: LiveServer) -> None:
    with server.database.session() as session:
        a = make_participant(session, organisation="Devon County Council", email="a@gmail.com")
        b = make_participant(session, organisation="Devon CC", email="b@gmail.com")
        a, b = a.organisation_id, b.organisation_id
    with server.organiser() as http:
        duplicates = http.get("/api/v1/organisation-duplicates").json()
        merged = http.post("/api/v1/organisation-merges", json={"source_id": b, "target_id": a})
        again = http.post("/api/v1/organisation-merges", json={"source_id": b, "target_id": a})
        listed = http.get("/api/v1/organisation-merges").json()
        split = http.post(f"/api/v1/organisation-merges/{merged.json()['id']}/split")
    assert duplicates[0]["reason"] == "abbreviation"
    assert {duplicates[0]["first"]["id"], duplicates[0]["second"]["id"]} == {a, b}
    assert merged.status_code == 201 and merged.json()["moved"] == 1
    assert merged.json()["pairs_across"] == []
    assert again.status_code == 409
    assert [m["source_name"] for m in listed] == ["Devon CC"]
    assert split.status_code == 200 and split.json()["split_at"] is not None


# --- the property: nobody meets their own organisation, or with "parent", their parent's ----

_people = st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=2, max_size=14)
_parents = st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=5, max_size=5)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("separate_by", ["organisation", "parent"])
@hypothesis_settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=_people, parents=_parents, seed=st.integers(0, 2**31 - 1))
def test_no_group_shares_an_organisation_or_parent(
    make_settings, database, separate_by: str, people, parents, seed: int
) -> None:
    settings = make_settings(separate_by=separate_by)
    with Session(database.engine) as session:
        orgs = [Organisation(name=f"Org {i}", name_key=f"org {i}") for i in range(5)]
        session.add_all(orgs)
        session.flush()
        for i, parent in enumerate(parents):
            if parent is not None and parent < i:  # parents come first: never a loop
                orgs[i].parent_id = orgs[parent].id
        people_rows = [
            Participant(
                name=f"P{n}",
                email=f"p{n}@example.org",
                organisation_id=None if org is None else orgs[org].id,
                status="active",
            )
            for n, org in enumerate(people)
        ]
        session.add_all(people_rows)
        session.flush()
        top = {}
        for i, org in enumerate(orgs):
            j = i
            while separate_by == "parent" and orgs[j].parent_id is not None:
                j = next(k for k, o in enumerate(orgs) if o.id == orgs[j].parent_id)
            top[org.id] = j
        label = {
            p.id: None if p.organisation_id is None else top[p.organisation_id] for p in people_rows
        }
        plan = plan_round(session=session, settings=settings, today=date(2026, 6, 2), seed=seed)
        session.rollback()
    for group in plan.groups:
        labels = [label[pid] for pid in group if label[pid] is not None]
        assert len(labels) == len(set(labels)), (group, label)
    placed = sum(len(g) for g in plan.groups)
    assert placed + len(plan.sat_out) == len(people)


def test_domains_parents_and_aliases_over_the_api_and_in_the_export(
    server: LiveServer, tmp_path
) -> None:
    import json

    from unmentor.transfer.exporting import export_all

    with server.database.session() as session:
        council = make_participant(session, organisation="Council").organisation_id
        housing = make_participant(session, organisation="Council Housing").organisation_id
        typo = make_participant(session, organisation="Counsil").organisation_id
    with server.organiser() as http:
        webmail = http.put(f"/api/v1/organisations/{council}/domains/gmail.com")
        owned = http.put(f"/api/v1/organisations/{council}/domains/Council.gov.uk")
        taken = http.put(f"/api/v1/organisations/{housing}/domains/council.gov.uk")
        parent = http.put(f"/api/v1/organisations/{housing}/parent", json={"parent_id": council})
        loop = http.put(f"/api/v1/organisations/{council}/parent", json={"parent_id": housing})
        http.post("/api/v1/organisation-merges", json={"source_id": typo, "target_id": council})
        removed = http.delete(f"/api/v1/organisations/{council}/domains/other.org")
    assert webmail.status_code == 422 and "webmail" in webmail.json()["detail"]
    assert owned.status_code == 200 and owned.json()["domains"] == ["council.gov.uk"]
    assert taken.status_code == 409
    assert parent.json()["parent_id"] == council and loop.status_code == 422
    assert removed.status_code == 404
    export_all(database=server.database, directory=tmp_path)
    exported = {
        o["name"]: o for o in json.loads((tmp_path / "unmentor.json").read_text())["organisations"]
    }
    assert [d["domain"] for d in exported["Council"]["domains"]] == ["council.gov.uk"]
    assert exported["Council Housing"]["parent"] == "Council"
    assert exported["Counsil"]["merged_into"] == "Council"
    assert "Parent,Domains,Merged into" in (tmp_path / "organisations.csv").read_text()
    people = json.loads((tmp_path / "unmentor.json").read_text())["participants"]
    assert all("privacy_notice_version" in person for person in people)


def test_erasing_everyone_of_a_merged_organisation_leaves_nothing_behind(
    database, make_settings
) -> None:
    from unmentor.people.models import OrganisationMerge, OrganisationMergeMember
    from unmentor.privacy.erasure import erase_person

    settings = make_settings()
    with database.session() as session:
        ann = make_participant(session, organisation="Devon County Council")
        bob = make_participant(session, organisation="Devon CC")
        child = make_participant(session, organisation="Devon Libraries").organisation_id
        organisations.set_parent(
            session=session, organisation_id=child, parent_id=ann.organisation_id
        )
        organisations.merge(
            session=session,
            source_id=bob.organisation_id,
            target_id=ann.organisation_id,
            now=utcnow(),
        )
    for person in (bob, ann):
        erase_person(database=database, participant_id=person.id, settings=settings, now=utcnow())
    with database.read_session() as session:
        left = session.exec(select(Organisation)).all()
        assert [(o.name, o.parent_id) for o in left] == [("Devon Libraries", None)]
        assert session.exec(select(OrganisationMerge)).all() == []
        assert session.exec(select(OrganisationMergeMember)).all() == []
