"""Fixtures: an app on a throwaway database, demo data, clients, a live server.

`make test` runs everything on SQLite. With SOHOA_TEST_BACKENDS=1 (set by `make test`
for its second pass when TEST_DATABASE_URL / TEST_REDIS_URL are given) the database and
socket tests run again on PostgreSQL and with the Redis message queue. A backend that is
asked for and cannot be reached fails the run.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text

from core import create_app
from core.extensions import db, limiter
from core.seed import seed_demo
from tests.support import DEMO_PASSWORD, LiveServer

BACKENDS = os.environ.get("SOHOA_TEST_BACKENDS") == "1"
PG_URL = os.environ.get("TEST_DATABASE_URL") if BACKENDS else None
REDIS_URL = os.environ.get("TEST_REDIS_URL") if BACKENDS else None
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _require_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.connect() as conn:  # raises (fails the run) when PostgreSQL is down
        conn.execute(text("SELECT 1"))
    engine.dispose()


def _require_redis(url: str) -> None:

    redis.Redis.from_url(url, socket_connect_timeout=3).ping()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if PG_URL:
        _require_postgres(PG_URL)
        return PG_URL
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


@pytest.fixture(scope="session")
def redis_url() -> str | None:
    if REDIS_URL:
        _require_redis(REDIS_URL)
    return REDIS_URL


@pytest.fixture(scope="session")
def _schema(database_url):
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def _empty_tables() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(database_url, _schema, tmp_path, monkeypatch):
    monkeypatch.setenv("SOHOA_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        _empty_tables()
        limiter.reset()
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo(app):
    """The demo data (city, 36 wards/communes, schools, accounts)."""

    seed_demo()
    db.session.commit()
    return app


class Auth:
    """Signs a test client in and out, and gets API tokens."""

    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = DEMO_PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")

    def token(self, username: str, password: str = DEMO_PASSWORD) -> str:
        response = self.client.post(
            "/api/v1/auth/token", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()["token"]

    def headers(self, username: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}", **extra}


@pytest.fixture
def auth(client):
    return Auth(client)


def _live_database(base_url: str, tmp: Path) -> tuple[str, callable]:
    """A database of its own for a live server (a new one on PostgreSQL)."""
    if not PG_URL:
        return "sqlite:///" + str(tmp / "live.sqlite"), lambda: None
    name = f"sohoa_live_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, redis_url):
    """One `sohoa serve` process with demo data, shared by the session's live tests."""
    tmp = tmp_path_factory.mktemp("live")
    url, drop = _live_database(PG_URL or "", tmp)
    server = LiveServer(tmp / "instance", url, redis_url)
    server.prepare()
    server.start()
    yield server
    server.stop()
    drop()


@pytest.fixture(scope="module")
def tokens(live_server):
    """API tokens on the shared live server, fetched once per account (and module)."""
    cache: dict[str, str] = {}

    def token(username: str) -> str:
        if username not in cache:
            cache[username] = live_server.token(username)
        return cache[username]

    return token


@pytest.fixture(scope="session")
def live_database(tmp_path_factory):
    """Factory of fresh databases for tests that start their own servers."""
    made = []

    def make() -> str:
        url, drop = _live_database(PG_URL or "", tmp_path_factory.mktemp("livedb"))
        made.append(drop)
        return url

    yield make
    for drop in made:
        drop()
