"""Official documents and digital signatures (ký số văn bản)."""

from __future__ import annotations

import logging

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.seed import register_seeder
from core.wiring import add_nav
from signing import models  # noqa: F401 - registers the tables
from signing.api import api
from signing.cli import ca, verify_command
from signing.routes import bp
from signing.seed import seed_certificates


class _QuietOffline(logging.Filter):
    """pyHanko warns on every B-LT signature that fetching is off: offline is the design."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


def init_app(app: Flask) -> None:
    logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_QuietOffline())
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    app.register_blueprint(bp)
    app.register_blueprint(api)
    app.cli.add_command(ca)
    app.cli.add_command(verify_command)
    register_seeder(app, seed_certificates)
    add_nav(app, "signing.index", _l("Ký số văn bản"), "sign", ())
