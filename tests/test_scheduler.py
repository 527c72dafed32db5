"""The scheduler: jobs are plain functions, safe to run twice, and missed work is caught up."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlmodel import func, select

from scheduler.jobs import JOBS, Context, close_rounds, form_round, send_reminders
from scheduler.runner import configure
from tests.conftest import free_port, start_server
from tests.factories import make_community
from unmentor.app import create_app
from unmentor.db import Database
from unmentor.mail.mailer import Mailer
from unmentor.rounds.models import Round


def _context(database, settings) -> Context:
    return Context(
        database=database, mailer=Mailer(database=database, settings=settings), settings=settings
    )


def _rounds(database) -> int:
    with database.read_session() as session:
        return session.exec(select(func.count()).select_from(Round)).one()


def test_forming_job_twice_makes_one_round(database, make_settings, mailbox) -> None:
    settings = make_settings()
    with database.session() as session:
        people = make_community(session, {"A": 2, "B": 2})
    context = _context(database, settings)
    first = form_round(context)
    second = form_round(context)
    assert first.startswith("formed round 1") and "already formed" in second
    assert _rounds(database) == 1
    assert context.mailer.due.is_set(), "forming nudges the relay loop"
    context.mailer.deliver_all()  # what the relay loop does when nudged
    for person in people:
        mailbox.wait_for(person.email)


def test_close_and_remind_jobs_do_nothing_when_nothing_is_due(database, make_settings) -> None:
    context = _context(database, make_settings())
    assert form_round(context).startswith("not formed: Not enough people")
    assert close_rounds(context) == "closed rounds: none"
    assert send_reminders(context) == "0 reminders queued"


def test_round_jobs_run_at_start_and_no_job_is_added_paused() -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = configure(BackgroundScheduler(timezone="UTC"), context=None)
    scheduler.start(paused=True)
    try:
        now = datetime.now(UTC)
        jobs = {job.id: job for job in scheduler.get_jobs()}
        scheduled = [job for job in JOBS if job.trigger != "loop"]
        assert set(jobs) == {job.name for job in scheduled}
        for job in scheduled:
            assert jobs[job.name].next_run_time is not None, f"{job.name} was added paused"
            if job.at_start:
                assert jobs[job.name].next_run_time <= now + timedelta(seconds=5)
    finally:
        scheduler.shutdown(wait=False)


def test_a_round_missed_while_down_is_formed_when_the_service_starts(
    make_settings, mailbox
) -> None:
    port = free_port()
    settings = make_settings(base_url=f"http://127.0.0.1:{port}")
    database = Database(settings.database_url)
    with database.session() as session:
        people = make_community(session, {"A": 3, "B": 3})
    assert _rounds(database) == 0
    server, thread = start_server(
        create_app(settings, database=Database(settings.database_url), run_scheduler=True), port
    )
    try:
        deadline = time.monotonic() + 20
        while _rounds(database) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _rounds(database) == 1
        for person in people:  # sent by the relay loop that runs beside the scheduler
            mailbox.wait_for(person.email)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        database.dispose()
