"""`sohoa enrollment …`: the allocation from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from core.errors import DomainError
from core.extensions import db
from enrollment import seats

group = AppGroup("enrollment", help="Tuyển sinh đầu cấp: phân chỗ học.")


@group.command("allocate")
@click.argument("round_id", type=int)
@click.option("--seed", required=True, help="the published seed (số may mắn)")
@click.option("--out", "out", type=click.Path(dir_okay=False), help="write the CSV here")
@click.option("--publish", is_flag=True, help="freeze, record the run and make the offers")
def allocate(round_id: int, seed: str, out: str | None, publish: bool) -> None:
    """Allocate seats over the verified dossiers; print the CSV file's sha256 last."""
    try:
        if publish:
            seats.publish(round_id, seed)
        _result, data, sha = seats.run(round_id, seed)
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(str(err.message)) from None
    if publish:
        db.session.commit()
    if out:
        Path(out).write_bytes(data)
    else:
        sys.stdout.write(data.decode())
    click.echo(sha)


@group.command("expire-offers")
@click.argument("round_id", type=int)
def expire(round_id: int) -> None:
    """Offers past the confirmation deadline expire; their seats pass on (run daily)."""
    count = seats.expire_offers(round_id)
    db.session.commit()
    click.echo(f"{count} offers expired")
