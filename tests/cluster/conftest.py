"""The reference cluster (deploy/cluster.py) for the fault tests: nginx in front of two
app processes and the conference server, on the PostgreSQL and Redis of the second pass
of `make test` (its own database and Socket.IO channel, so it meets no other test). Only
there: on SQLite alone the tests are skipped; with the backends, a missing nginx fails."""

from __future__ import annotations

import shutil
import socket
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy.engine import make_url

from deploy import cluster as reference
from tests.conftest import PG_URL, REDIS_URL
from tests.support import DEMO_PASSWORD, free_port


def _fresh_database(url: str) -> str:
    target = make_url(url).set(database="sohoa_cluster_test").render_as_string(hide_password=False)
    reference.ensure_database(target, fresh=True)
    return target


def _two_free_ports() -> int:
    for _ in range(50):
        port = free_port()
        try:
            with socket.create_server(("127.0.0.1", port + 1)):
                return port
        except OSError:
            continue
    raise RuntimeError("no two consecutive free ports")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Any:
    if not (PG_URL and REDIS_URL):
        pytest.skip("the cluster runs on PostgreSQL and Redis (the second pass of make test)")
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed (Debian: nginx-light); .ci/run installs it")
    layout = reference.Layout(
        run=tmp_path_factory.mktemp("cluster"),
        apps=2,
        base_port=_two_free_ports(),
        listen=f"127.0.0.1:{free_port()}",
        conference=f"127.0.0.1:{free_port()}",
        database_url=_fresh_database(PG_URL),
        redis_url=REDIS_URL,
        channel=f"sohoa-cluster-test-{uuid.uuid4().hex[:8]}",
        settings={"NODE_HEARTBEAT_SECONDS": "1"},  # a killed process is gone after 8 s
    )
    try:
        reference.start(layout)
        yield layout
    finally:  # a start that failed half-way leaves nothing running either
        reference.stop(layout)


@pytest.fixture(scope="module")
def tokens(cluster) -> Any:
    made: dict[str, str] = {}

    def token(username: str) -> str:
        if username not in made:
            response = requests.post(
                f"{cluster.url}/api/v1/auth/token",
                json={"username": username, "password": DEMO_PASSWORD},
                timeout=30,
            )
            assert response.status_code == 200, response.text
            made[username] = response.json()["token"]
        return made[username]

    return token
