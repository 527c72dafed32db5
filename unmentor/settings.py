"""Every setting of the service, in one place.

Values come from `config.toml` (or the file named by `UNMENTOR_CONFIG`), and any of them can be
overridden by an `UNMENTOR_<NAME>` environment variable, so a deployment never edits the file.
"""

from __future__ import annotations

import ipaddress
import os
from contextvars import ContextVar
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "placeholder"})
MIN_SECRET_LENGTH = 16

_config_file: ContextVar[Path | None] = ContextVar("unmentor_config_file", default=None)


def default_config_file() -> Path:
    """The config file a process reads when none is named explicitly."""
    return Path(os.environ.get("UNMENTOR_CONFIG", "config.toml"))


class Settings(BaseSettings):
    """Settings of one unmentor deployment; each field is documented in config.toml."""

    model_config = SettingsConfigDict(env_prefix="UNMENTOR_", extra="forbid", frozen=True)

    environment: Literal["development", "production"] = Field(
        "development",
        description="'production' refuses placeholder secrets and console mail.",
    )
    database_url: str = Field(
        "sqlite:///unmentor.db",
        description="SQLAlchemy URL: sqlite:///file.db or postgresql+psycopg://user@host/db.",
    )
    database_pool_size: int = Field(
        5,
        ge=1,
        le=200,
        description="Database connections each process keeps open (as many again at peaks).",
    )
    busy_timeout_seconds: float = Field(
        10.0,
        gt=0,
        le=300,
        description="Longest wait for a database connection or lock before answering 503.",
    )
    max_requests_in_flight: int = Field(
        1000,
        ge=1,
        description="Requests one web worker takes on at once; beyond it answers 503 at once.",
    )
    backup_dir: str = Field(
        "",
        description="Folder for the daily backup of the database; empty: no daily backup.",
    )
    backup_keep: int = Field(
        7, ge=1, description="Daily backups kept in backup_dir; older ones are deleted."
    )
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Public address of the site, used to build the links in emails.",
    )
    secret_key: SecretStr = Field(
        SecretStr("change-me"),
        description="Signs session cookies and CSRF tokens; long and random in production.",
    )
    organiser_token: SecretStr = Field(
        SecretStr("change-me"),
        description="Shared token that creates the first organiser account (and, while "
        "organiser_token_signs_in is on, signs in to the organiser API and pages).",
    )
    organiser_token_signs_in: bool = Field(
        False,
        description="Transition: let the shared organiser_token act as an organiser on the "
        "API and the sign-in page. Off, it only creates the first organiser; organisers sign "
        "in by emailed link and scripts use named API tokens.",
    )
    mail_backend: Literal["console", "file", "smtp"] = Field(
        "console",
        description="console prints mail to the log, file writes .eml files, smtp sends.",
    )
    mail_from: str = Field(
        "UnMentor <unmentor@localhost>", description="From: address of every email."
    )
    mail_dir: Path = Field(
        Path("mail-outbox"), description="Where the file backend writes .eml files."
    )
    smtp_host: str = Field("localhost", description="SMTP relay host.")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP relay port.")
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_username: str = Field("", description="SMTP login; empty for none.")
    smtp_password: SecretStr = Field(SecretStr(""), description="SMTP password.")
    smtp_timeout_seconds: float = Field(
        10.0, gt=0, description="Give up on an SMTP conversation after this long."
    )
    mail_poll_seconds: float = Field(
        2.0, gt=0, le=3600, description="How often the relay looks for mail to send."
    )
    mail_run_seconds: float = Field(
        60.0, gt=0, description="One relay run sends for at most this long, then starts afresh."
    )
    verification_link_hours: int = Field(
        48, ge=1, description="How long a sign-up verification link stays valid."
    )
    login_link_minutes: int = Field(
        60, ge=1, description="How long a 'manage my membership' link stays valid."
    )
    session_days: int = Field(
        14, ge=1, description="How long a participant stays signed in after using a link."
    )
    signup_limit_per_email: int = Field(
        5, ge=1, description="Sign-up or link requests per email address per hour."
    )
    signup_limit_per_client: int = Field(
        30, ge=1, description="Sign-up or link requests per client address per hour."
    )
    max_body_bytes: int = Field(
        64 * 1024, ge=1024, description="Largest request body accepted (JSON and forms)."
    )
    max_upload_bytes: int = Field(
        50 * 1024 * 1024, ge=1024, description="Largest spreadsheet upload on /organiser/import."
    )
    date_order: Literal["DMY", "MDY"] = Field(
        "DMY",
        description="Imported numeric dates: DMY reads 03/04/2024 as 3 April, MDY as March 4.",
    )
    forwarded_allow_ips: str = Field(
        "",
        description="Proxies (IPs or networks, comma-separated) whose X-Forwarded-For is "
        "believed; empty believes nobody.",
    )
    max_pause_days: int = Field(
        366, ge=1, description="The furthest ahead a participant may pause until."
    )
    time_zone: str = Field(
        "Europe/London",
        description="Time zone of a participant who has not chosen one (an IANA name).",
    )
    conversation_starters: list[str] = Field(
        [
            "What are you trying to improve at work this year?",
            "What is something you learned the hard way?",
            "Who outside your organisation do you learn the most from?",
            "What would you change first if you had a free hand?",
            "What does a good week at work look like for you?",
        ],
        description="Questions an introduction may suggest; a few go in each, turning by round.",
    )
    default_rhythm: int = Field(
        1,
        ge=1,
        le=3,
        description="Every how many rounds a newcomer takes part unless they choose: 1 = every "
        "round, 2 = every second, 3 = every third.",
    )
    welcome_imported_people: bool = Field(
        True,
        description="Email a welcome (what the scheme is, when their first introduction comes, "
        "how to pause or leave) to active people added by an import, the organiser page, the "
        "API or the CLI, before their first introduction.",
    )
    round_every_months: int = Field(
        1, ge=1, le=12, description="A new round every this many months (1 = monthly)."
    )
    round_form_day: int = Field(
        1, ge=1, le=28, description="Day of the period's first month on which a round is formed."
    )
    round_reminder_after_days: int = Field(
        14, ge=1, description="Remind members who have not answered this many days after forming."
    )
    round_close_after_days: int = Field(
        25, ge=2, description="Close the round this many days after forming; silence = unconfirmed."
    )
    rematch_until_day: int = Field(
        10,
        ge=0,
        description=(
            "Until this many days after a round starts, a member whose partner has not replied, "
            "has left or has paused may ask for someone else; 0 turns second chances off."
        ),
    )
    public_min_people: int = Field(
        10, ge=2, description="Publish a round's picture only if at least this many took part."
    )
    public_show_organisations: bool = Field(
        False,
        description="Name organisations with at least public_min_people members on "
        "/public/organisations.svg; false: one node per sector.",
    )
    scheme_name: str = Field(
        "UnMentor",
        min_length=1,
        max_length=80,
        description="The scheme's name, in the titles of the pictures.",
    )
    picture_processes: int = Field(
        1,
        ge=0,
        le=16,
        description="Worker processes that draw pictures; 0 draws on the web process's threads.",
    )
    picture_cache_megabytes: int = Field(
        256, ge=1, description="Memory for cached pictures; the least recently used go first."
    )
    pause_after_unconfirmed_rounds: int = Field(
        3, ge=1, description="Pause someone after this many rounds in a row without an answer."
    )
    group_size: int = Field(
        2, ge=2, le=4, description="People per group (2-4); leftovers join a group one larger."
    )
    repeat_partners_after_rounds: int = Field(
        0,
        ge=0,
        description="Two people may be grouped again once more than this many rounds have "
        "passed since they last met; 0 = never.",
    )
    when_no_fresh_partner: Literal["sit_out", "repeat_oldest"] = Field(
        "sit_out",
        description="Someone with nobody new left sits out, or meets again the person met "
        "longest ago.",
    )
    separate_by: Literal["organisation", "parent"] = Field(
        "organisation",
        description="Who is never grouped together: people of one organisation, or of one "
        "parent organisation (its departments included).",
    )
    webmail_domains: tuple[str, ...] = Field(
        (
            "gmail.com",
            "googlemail.com",
            "outlook.com",
            "hotmail.com",
            "hotmail.co.uk",
            "live.com",
            "msn.com",
            "icloud.com",
            "me.com",
            "yahoo.com",
            "yahoo.co.uk",
            "aol.com",
            "proton.me",
            "protonmail.com",
            "gmx.com",
            "btinternet.com",
        ),
        description="Public webmail domains: never owned by an organisation nor suggested.",
    )
    organisation_suggestions: int = Field(
        8, ge=1, le=20, description="At most this many organisations suggested as people type."
    )
    privacy_notice_file: str = Field(
        "",
        description="An HTML file replacing the built-in privacy notice; empty: the built-in one.",
    )
    organiser_emails: tuple[str, ...] = Field(
        (),
        description="Addresses told when a scheduler job keeps failing or email fails for good.",
    )
    expect_scheduler: bool = Field(
        False,
        description="/readyz also needs a recent scheduler heartbeat (set where one runs).",
    )
    metrics_token: SecretStr = Field(
        SecretStr(""),
        description="Bearer token for /metrics; empty turns /metrics off (404).",
    )
    log_format: Literal["text", "json"] = Field(
        "text", description="text: one readable line per record; json: one JSON object."
    )

    @property
    def webmail(self) -> frozenset[str]:
        """`webmail_domains` as a set, lower-case."""
        return frozenset(domain.strip().lower() for domain in self.webmail_domains)

    @field_validator("time_zone")
    @classmethod
    def _a_known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo

        ZoneInfo(value)  # raises for a name the machine's zone database does not know
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        for entry in (e.strip() for e in value.split(",")):
            if entry and entry != "*":
                ipaddress.ip_network(entry, strict=False)  # ValueError names the bad entry
        return value

    @model_validator(mode="after")
    def _refuse_placeholder_secrets_in_production(self) -> Settings:
        if self.environment != "production":
            return self
        weak = [
            name
            for name in ("secret_key", "organiser_token")
            if _is_placeholder(getattr(self, name).get_secret_value())
        ]
        if weak:
            raise ValueError(
                f"production mode needs real values for {', '.join(weak)} "
                f"(at least {MIN_SECRET_LENGTH} characters, not a placeholder); "
                "set them with UNMENTOR_SECRET_KEY / UNMENTOR_ORGANISER_TOKEN"
            )
        return self

    @model_validator(mode="after")
    def _refuse_console_mail_in_production(self) -> Settings:
        # The console backend writes every email, live sign-in links included, into the log.
        if self.environment == "production" and self.mail_backend == "console":
            raise ValueError(
                'production mode cannot use mail_backend = "console": it prints every email, '
                "sign-in links included, into the log and sends nothing; set mail_backend to "
                '"smtp" (or "file") with UNMENTOR_MAIL_BACKEND'
            )
        return self

    @model_validator(mode="after")
    def _round_dates_fit_the_period(self) -> Settings:
        if self.round_reminder_after_days >= self.round_close_after_days:
            raise ValueError("round_reminder_after_days must be less than round_close_after_days")
        shortest_period = 28 * self.round_every_months
        if self.round_form_day - 1 + self.round_close_after_days > shortest_period:
            raise ValueError(
                f"a round formed on day {self.round_form_day} and closed "
                f"{self.round_close_after_days} days later would run into the next period "
                f"({self.round_every_months} month(s)); shorten round_close_after_days"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config_file = _config_file.get() or default_config_file()
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, config_file))


def _is_placeholder(value: str) -> bool:
    return value.strip().lower() in PLACEHOLDER_SECRETS or len(value) < MIN_SECRET_LENGTH


def load_settings(config_file: Path | str | None = None, **overrides: object) -> Settings:
    """Read settings from `config_file` (default: config.toml), the environment, then overrides."""
    token = _config_file.set(Path(config_file) if config_file is not None else None)
    try:
        return Settings(**overrides)
    finally:
        _config_file.reset(token)
