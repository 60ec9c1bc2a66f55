"""Alembic environment shared by every Kronos schema.

DATABASE_SCHEMA picks the schema: its revisions live in migrations/<schema>/, its version table
is <schema>.alembic_version (which the service reads to report readiness), and the migrations
run with search_path set to that schema alone. The connection comes from DATABASE_URL or
DATABASE_URL_FILE. Without either, the native stack's env/<schema>.env file in KRONOS_STATE_DIR
(default .kronos in the checkout) supplies it, so the runbook's command works unchanged there.
"""

from __future__ import annotations

import io
import os
import re
from logging.config import fileConfig
from pathlib import Path

from alembic import context
from alembic.script.revision import RevisionMap
from alembic.util import CommandError
from sqlalchemy import create_engine, pool

MIGRATIONS_DIR = Path(__file__).resolve().parent
REPO_DIR = MIGRATIONS_DIR.parent

# The schema name becomes a folder name and an SQL identifier, so it is kept to plain ones.
SCHEMA_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

# Commands that only read the revision files and never need the database.
OFFLINE_COMMANDS = {"revision", "history"}

CONNECT_TIMEOUT_S = 10

# A migration waiting behind a long transaction of a running service gives up instead of
# blocking that service's queries queued behind it.
LOCK_TIMEOUT = "60s"


def schema_from_environment() -> str:
    schema = os.environ.get("DATABASE_SCHEMA", "").strip()
    available = sorted(p.name for p in MIGRATIONS_DIR.iterdir()
                       if p.is_dir() and SCHEMA_PATTERN.match(p.name))
    if not schema:
        raise CommandError(
            "DATABASE_SCHEMA is not set: name the schema to migrate, for example "
            f"'DATABASE_SCHEMA=auth alembic upgrade head' (schemas: {', '.join(available) or 'none yet'})")
    if not SCHEMA_PATTERN.match(schema):
        raise CommandError(
            f"invalid DATABASE_SCHEMA {schema!r}: use lower-case letters, digits and _ (at most 40)")
    if not (MIGRATIONS_DIR / schema).is_dir():
        raise CommandError(
            f"DATABASE_SCHEMA={schema}: {MIGRATIONS_DIR / schema} is not a directory "
            f"(schemas: {', '.join(available) or 'none yet'}); create it for a new service")
    return schema


def read_env_file(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines without quoting, the format ./kronos writes."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value
    return values


def database_url(schema: str) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    url_file = os.environ.get("DATABASE_URL_FILE", "").strip()
    if not url and url_file:
        try:
            url = Path(url_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise CommandError(f"DATABASE_URL_FILE={url_file} cannot be read: {exc.strerror}") from exc

    if not url:
        state_dir = Path(os.environ.get("KRONOS_STATE_DIR") or REPO_DIR / ".kronos")
        if not state_dir.is_absolute():
            state_dir = Path.cwd() / state_dir
        env_file = state_dir / "env" / f"{schema}.env"
        if not env_file.is_file():
            raise CommandError(
                f"DATABASE_URL is not set and the native stack's {env_file} does not exist: set "
                f"DATABASE_URL=postgresql://kronos_{schema}:PASSWORD@HOST:PORT/kronos, or start "
                "the native stack with ./kronos up")
        try:
            url = read_env_file(env_file).get("DATABASE_URL", "")
        except OSError as exc:
            raise CommandError(f"{env_file} cannot be read: {exc.strerror}") from exc
        if not url:
            raise CommandError(f"{env_file} has no DATABASE_URL line; run ./kronos up to rewrite it")

    # SQLAlchemy 1.4 no longer accepts the short scheme that libpq and many hosts use.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    return url


def use_schema_versions(schema: str) -> None:
    """Point the script directory at migrations/<schema>/.

    Alembic builds the script directory from alembic.ini before this file runs, and loads its
    revision map lazily, so replacing the locations and the map here is seen by every command.
    """
    script = context.script
    script.version_locations = [str(MIGRATIONS_DIR / schema)]
    script.__dict__.pop("_version_locations", None)
    script.revision_map = RevisionMap(script._load_revisions)


def number_next_revision(migration_context, revision, directives) -> None:
    """Give a new revision the next four-digit id ("0001", "0002", ...) unless --rev-id chose one."""
    if getattr(context.config.cmd_opts, "rev_id", None):
        return
    numbers = [int(s.revision) for s in context.script.walk_revisions() if s.revision.isdigit()]
    for directive in directives:
        directive.rev_id = f"{max(numbers, default=0) + 1:04d}"


def invoked_command() -> str | None:
    cmd = getattr(context.config.cmd_opts, "cmd", None)
    return cmd[0].__name__ if cmd else None


def needs_database() -> bool:
    opts = context.config.cmd_opts
    if invoked_command() not in OFFLINE_COMMANDS:
        return True
    return bool(getattr(opts, "autogenerate", False) or getattr(opts, "indicate_current", False))


def run_without_database(schema: str) -> None:
    """Run revision and history from the files alone; their SQL output is discarded."""
    context.configure(dialect_name="postgresql", as_sql=True, output_buffer=io.StringIO(),
                      version_table_schema=schema, process_revision_directives=number_next_revision)
    with context.begin_transaction():
        context.run_migrations()


def run_offline(schema: str) -> None:
    """Print the migration SQL (alembic upgrade --sql) for a person to review and run."""
    context.configure(dialect_name="postgresql", literal_binds=True, version_table_schema=schema)
    with context.begin_transaction():
        context.execute(f"SET search_path TO {schema}")
        context.run_migrations()


def run_online(schema: str) -> None:
    engine = create_engine(
        database_url(schema),
        poolclass=pool.NullPool,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": f"alembic-{schema}",
            "options": f"-c search_path={schema} -c lock_timeout={LOCK_TIMEOUT}",
        },
    )
    with engine.connect() as connection:
        context.configure(connection=connection, version_table_schema=schema,
                          process_revision_directives=number_next_revision)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def main() -> None:
    if context.config.config_file_name is not None:
        fileConfig(context.config.config_file_name, disable_existing_loggers=False)
    schema = schema_from_environment()
    use_schema_versions(schema)
    if context.is_offline_mode():
        run_offline(schema)
    elif not needs_database():
        run_without_database(schema)
    else:
        run_online(schema)


main()
