"""``sohoa conference-server``: the media hub in a process of its own."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from conference.remote import authkey, parse_address, serve
from core.memory import settle_heap


@click.command("conference-server")
@click.option("--listen", default="127.0.0.1:8790", show_default=True, help="host:port")
@with_appcontext
def conference_server(listen: str) -> None:
    """Run the conference media hub; web processes reach it with CONFERENCE_SERVER=host:port."""
    from conference.hub import EmbeddedHub  # noqa: PLC0415 - aiortc only in this process

    config = current_app.config
    hub = EmbeddedHub(
        ice_servers=config["CONFERENCE_ICE_SERVERS"],
        peer_timeout=float(config["CONFERENCE_PEER_TIMEOUT"]),
    )
    settle_heap()
    click.echo(f"conference server on {listen}")
    serve(hub, parse_address(listen), authkey(config["SECRET_KEY"]))
