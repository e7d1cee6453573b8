"""Which server software a bench runs Sohoa and its relay baseline on.

Production is gunicorn's thread worker (what `sohoa serve` runs with SOHOA_ENV=production,
core.server); development is Werkzeug's threaded server (what `make run` uses). A bench
compares Sohoa with the relay on the same one.
"""

from __future__ import annotations

import argparse
import secrets

SERVER_KINDS = {
    "production": "production: gunicorn thread worker, as a city deploys it",
    "development": "development: Werkzeug's threaded server, as `make run`",
}


def add_server_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--server",
        choices=tuple(SERVER_KINDS),
        default="production",
        help="the server software for Sohoa and for the relay baseline: gunicorn (what "
        "`sohoa serve` runs in production) or Werkzeug's development server",
    )


def server_env(kind: str) -> dict[str, str]:
    """The environment that makes `sohoa serve` run the chosen server software."""
    return production_env() if kind == "production" else {}


def production_env(threads: int | None = None) -> dict[str, str]:
    """What makes `sohoa serve` run as in production (gunicorn, a real secret key) on
    loopback over plain HTTP; ``threads`` sets SERVER_THREADS (default: the product's)."""
    env = {
        "SOHOA_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "SESSION_COOKIE_SECURE": "0",
    }
    if threads is not None:
        env["SERVER_THREADS"] = str(threads)
    return env
