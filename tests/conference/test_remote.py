"""`sohoa conference-server`: the hub in a process of its own, reached by RemoteEngine."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conference.engine import MediaError
from conference.remote import RemoteEngine, authkey
from tests.conference.peers import Receiver, publisher, until
from tests.support import ROOT, free_port

SECRET = "conference-server-test-key"  # noqa: S105 - a test key


@pytest.fixture
def remote(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "SOHOA_INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": SECRET,
        "SOHOA_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
    }
    env.pop("FLASK_RUN_FROM_CLI", None)
    sohoa = Path(sys.executable).with_name("sohoa")
    process = subprocess.Popen(
        [str(sohoa), "conference-server", "--listen", f"127.0.0.1:{port}"], cwd=ROOT, env=env
    )
    engine = RemoteEngine(("127.0.0.1", port), authkey(SECRET))
    deadline = time.monotonic() + 30
    while True:
        try:
            engine.connected(1)
            break
        except MediaError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.3)
    yield engine
    engine.close()
    process.kill()
    process.wait(10)


def test_media_flows_through_the_hub_in_its_own_process(remote):
    async def scenario() -> None:
        pub = await publisher(remote, 1, "hue")
        receivers = [await Receiver().start(remote, 1, f"ward-{i}", "hue") for i in range(2)]
        assert await until(lambda: all(r.frames >= 10 for r in receivers))
        assert remote.connected(1) == {"hue"}
        for r in receivers:
            await r.close()
        await pub.close()

    asyncio.run(asyncio.wait_for(scenario(), 90))


def test_refusals_cross_the_process_boundary(remote):
    with pytest.raises(MediaError) as refused:
        remote.publish(2, "hue", "not sdp")
    assert refused.value.code == "invalid_sdp"


def test_a_wrong_key_or_no_server_is_engine_unavailable(remote):
    with pytest.raises(MediaError) as refused:
        RemoteEngine(("127.0.0.1", free_port()), authkey(SECRET)).connected(1)
    assert refused.value.code == "engine_unavailable"
