"""The ``sohoa`` command line (a Flask CLI group)."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

import core
from core.audit import verify_chain
from core.config import PROJECT_ROOT
from core.errors import DomainError
from core.extensions import db, socketio
from core.memory import settle_heap
from core.models import Organization
from core.security import create_or_update_user
from core.seed import print_accounts, seed_demo
from core.server import serve_production


def main() -> None:
    group = FlaskGroup(name="sohoa", create_app=lambda: core.create_app(), add_version_option=False)
    group.help = "Sohoa: paperless meetings, enrollment, smart classrooms, conferences."
    group(prog_name="sohoa")


def init_database() -> None:
    """Create or upgrade the schema with the migrations (create_all if there are none)."""
    if (PROJECT_ROOT / "migrations" / "env.py").exists():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
    else:
        db.create_all()


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the tables (or migrate them) in DATABASE_URL."""
    init_database()
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo data (idempotent) and print the demo accounts."""
    accounts = seed_demo()
    db.session.commit()
    print_accounts(accounts)


@click.group("user")
def user_group() -> None:
    """Accounts."""


@user_group.command("create")
@click.argument("username")
@click.option("--role", required=True, help="admin, chair, secretary, delegate, clerk, …")
@click.option("--org", "org_code", required=True, help="Organisation code (see `sohoa org list`).")
@click.option("--full-name", default=None)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def user_create_command(
    username: str, role: str, org_code: str, full_name: str | None, password_stdin: bool
) -> None:
    """Create or update an account and give it a role in an organisation."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_or_update_user(username, password, role, org_code, full_name)
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(str(err.message)) from err
    db.session.commit()
    click.echo(f"{user.username}: {role} @ {org_code}")


@click.group("org")
def org_group() -> None:
    """Organisations."""


@org_group.command("list")
@with_appcontext
def org_list_command() -> None:
    """Organisation codes and names, one a line."""
    for org in db.session.scalars(select(Organization).order_by(Organization.id)):
        click.echo(f"{org.code}\t{org.name}")


@click.group("audit")
def audit_group() -> None:
    """The hash-chained audit log."""


@audit_group.command("verify")
@with_appcontext
def audit_verify_command() -> None:
    """Recompute the chain; exit 1 at the first broken link."""
    report = verify_chain()
    if not report.ok:
        click.echo(f"BROKEN at entry {report.broken_at}: {report.reason}", err=True)
        sys.exit(1)
    click.echo(f"OK: {report.entries} entries, chain intact")


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"))
@click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Serve HTTP and Socket.IO (what `make run` runs).

    Production runs gunicorn (one process, SERVER_THREADS threads, see core.server);
    development and tests run Werkzeug's development server.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"Sohoa on http://{host}:{port}", err=True)
    if app.config["ENV_NAME"] == "production":
        serve_production(host, port, app.config["SERVER_THREADS"])
        return
    # socketio.run() is a no-op under the flask CLI unless this marker is cleared.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    settle_heap()
    socketio.run(
        app, host=host, port=port, use_reloader=False, log_output=False,
        allow_unsafe_werkzeug=True,
    )


def register(app: Flask) -> None:
    for command in (
        init_db_command, seed_demo_command, user_group, org_group, audit_group, serve_command
    ):
        app.cli.add_command(command)
