"""The `unmentor` command: one Typer app, its commands grouped by what they touch."""

import typer

from unmentor.cli import (
    backup,
    database,
    organisations,
    organisers,
    people,
    rounds,
    serving,
    transfer,
)

app = typer.Typer(
    help="UnMentor: random one-to-one conversations across organisations, round by round.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
db_app = typer.Typer(
    help="Database schema: create and upgrade it; copy it to PostgreSQL.", no_args_is_help=True
)
participants_app = typer.Typer(help="Look up and add participants.", no_args_is_help=True)
mail_app = typer.Typer(help="The outbox of emails waiting to be sent.", no_args_is_help=True)
jobs_app = typer.Typer(help="The scheduler's recurring jobs.", no_args_is_help=True)
organisations_app = typer.Typer(
    help="Organisations that are really one: duplicates, merge, split.", no_args_is_help=True
)
organisers_app = typer.Typer(
    help="Organiser accounts: add the first, list, remove; an organiser's own data.",
    no_args_is_help=True,
)
round_app = typer.Typer(help="Form, close and list rounds by hand.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(participants_app, name="participants")
app.add_typer(mail_app, name="mail")
app.add_typer(jobs_app, name="jobs")
app.add_typer(round_app, name="round")
app.add_typer(organisations_app, name="organisations")
app.add_typer(organisers_app, name="organisers")

app.command()(serving.serve)
app.command("scheduler")(serving.scheduler_alone)
jobs_app.command("list")(serving.jobs_list)
jobs_app.command("run")(serving.jobs_run)
mail_app.command("send")(serving.mail_send)
db_app.command("upgrade")(database.db_upgrade)
db_app.command("revision")(database.db_revision)
db_app.command("copy")(backup.db_copy)
participants_app.command("list")(people.participants_list)
participants_app.command("add")(organisers.audited(people.participants_add))
organisations_app.command("duplicates")(organisations.organisations_duplicates)
organisations_app.command("merge")(organisers.audited(organisations.organisations_merge))
organisations_app.command("split")(organisers.audited(organisations.organisations_split))
organisers_app.command("add")(organisers.organisers_add)
organisers_app.command("list")(organisers.organisers_list)
organisers_app.command("remove")(organisers.organisers_remove)
organisers_app.command("data")(organisers.organisers_data)
organisers_app.command("erase")(organisers.organisers_erase)
round_app.command("form")(organisers.audited(rounds.round_form))
round_app.command("close")(organisers.audited(rounds.round_close))
round_app.command("list")(rounds.round_list)
app.command()(rounds.demo)
app.command()(rounds.render)
app.command("import")(transfer.import_command)
app.command("export")(transfer.export_command)
app.command("backup")(backup.backup_command)
