"""``sohoa ca …`` and ``sohoa verify``: the deployment's CA and verification on the
command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from flask.cli import AppGroup, with_appcontext

from core.errors import DomainError
from core.extensions import db
from core.security import user_by_username
from signing import certificates, keys
from signing.verify import verify_pdf

ca = AppGroup("ca", help="The deployment's own certification authority (demo and tests).")


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


@ca.command("init")
def ca_init() -> None:
    """Create the CA, the time-stamping authority and the CRL (once)."""
    if keys.root_certificate() is not None:  # no need to open its sealed keys
        click.echo(f"Already present: CA in {keys.ca_dir().name}/")
        return
    try:
        _, created = keys.init_ca()
    except DomainError as err:
        _fail(str(err.message))
    folder = keys.ca_dir()
    click.echo(("Created" if created else "Already present") + f": CA in {folder.name}/")


@ca.command("issue")
@click.argument("username")
@click.option("--days", default=730, show_default=True, help="validity in days")
def ca_issue(username: str, days: int) -> None:
    """Issue a signing certificate and key to USERNAME's key store."""
    user = user_by_username(username)
    if user is None:
        _fail(f"No such user: {username}")
    try:
        row = certificates.issue_for(user, days=days)
    except DomainError as err:
        _fail(str(err.message))
    db.session.commit()
    click.echo(
        f"Issued certificate {row.serial} to {username}, valid until {row.not_after:%d/%m/%Y}"
    )


@ca.command("export-root")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def ca_export_root(file: str) -> None:
    """Write the root certificate as PEM to FILE."""
    root = keys.root_certificate()
    if root is None:
        _fail("No CA yet: run 'sohoa ca init' first.")
    Path(file).write_bytes(root.public_bytes(serialization.Encoding.PEM))
    click.echo(f"Wrote {file}")


@ca.command("revoke")
@click.argument("username")
def ca_revoke(username: str) -> None:
    """Revoke USERNAME's certificates and rewrite the local CRL."""
    user = user_by_username(username)
    if user is None:
        _fail(f"No such user: {username}")
    try:
        rows = certificates.revoke(user)
    except DomainError as err:
        _fail(str(err.message))
    db.session.commit()
    click.echo(f"Revoked {len(rows)} certificate(s) of {username}")


@click.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--trust",
    "trust",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="PEM file of a root certificate to trust (repeatable)",
)
@with_appcontext
def verify_command(file: str, trust: tuple[str, ...]) -> None:
    """Print each signature's report; exit 0 only if every one is intact, valid, trusted."""
    roots: list[x509.Certificate] = []
    for path in trust:
        try:
            roots += x509.load_pem_x509_certificates(Path(path).read_bytes())
        except ValueError:
            _fail(f"{path}: not a PEM certificate")
    report = verify_pdf(Path(file).read_bytes(), tuple(roots))
    for sig in report.signatures:
        click.echo(
            f"{sig.field}: signer={sig.signer!r} signed_at={sig.signed_at} intact={sig.intact} "
            f"valid={sig.valid} trusted={sig.trusted} modification_level={sig.modification_level} "
            f"-> {sig.problem}: {sig.message}"
        )
    click.echo(f"{'VALID' if report.valid else 'INVALID'} ({report.problem}): {report.message}")
    sys.exit(0 if report.valid else 1)
