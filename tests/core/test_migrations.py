"""The schema: the migrations build exactly what the models describe; timestamps are UTC.

If `test_migrations_match_the_models` fails, a model changed without a migration:
generate one with `SOHOA_INSTANCE_PATH=/tmp/m .venv/bin/sohoa db migrate -m '…'`
(against a database upgraded to head) and review it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select
from sqlalchemy.exc import StatementError

from core import create_app
from core.config import PROJECT_ROOT
from core.db import UTCDateTime
from core.extensions import db
from core.models import StoredFile

pytestmark = pytest.mark.db

MIGRATIONS = str(PROJECT_ROOT / "migrations")


@pytest.fixture
def keep_logging():
    """alembic's env.py calls logging.config.fileConfig, which disables existing loggers
    and replaces the root handlers; put everything back for the rest of the session."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    loggers = {
        name: (logger.disabled, logger.level)
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, (disabled, lvl) in loggers.items():
        logger = logging.getLogger(name)
        logger.disabled = disabled
        logger.setLevel(lvl)


@pytest.fixture
def fresh_app(live_database, tmp_path, monkeypatch, keep_logging):
    """An app on a brand-new, empty database (SQLite, or PostgreSQL in the backends pass)."""
    monkeypatch.setenv("SOHOA_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": live_database()})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _differences() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, db.metadata)


def test_migrations_have_one_head():
    script = ScriptDirectory(MIGRATIONS)
    assert len(script.get_heads()) == 1, "merge the migration branches"


def test_migrations_match_the_models(fresh_app):
    upgrade(directory=MIGRATIONS)
    differences = _differences()
    assert differences == [], "models changed without a migration:\n" + "\n".join(
        map(str, differences)
    )


def test_migrations_downgrade_to_nothing(fresh_app):
    upgrade(directory=MIGRATIONS)
    downgrade(directory=MIGRATIONS, revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_init_db_command_migrates_a_fresh_database(fresh_app):
    result = fresh_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Database ready" in result.output
    tables = set(inspect(db.engine).get_table_names())
    assert {table.name for table in db.metadata.sorted_tables} <= tables
    # running it again changes nothing
    assert fresh_app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0


def test_utc_datetime_refuses_naive_values(app):
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2026, 11, 28, 20, 0), db.engine.dialect)
    db.session.add(StoredFile(sha256="a" * 64, size=1, content_type="text/plain",
                              created_at=datetime(2026, 11, 28, 20, 0)))
    with pytest.raises(StatementError, match="naive"):
        db.session.flush()
    db.session.rollback()


def test_utc_datetime_reads_back_aware_utc(app):
    hanoi = timezone(timedelta(hours=7))
    local = datetime(2026, 11, 29, 3, 0, 0, 123456, tzinfo=hanoi)
    db.session.add(StoredFile(sha256="b" * 64, size=1, content_type="text/plain",
                              created_at=local))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(select(StoredFile.created_at))
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)
    assert stored == datetime(2026, 11, 28, 20, 0, 0, 123456, tzinfo=UTC)
