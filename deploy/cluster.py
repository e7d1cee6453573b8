"""The reference cluster on this machine's loopback: nginx in front of several Sohoa app
processes sharing PostgreSQL and the Redis queue, and the conference server on its own.

    python -m deploy.cluster start [--apps 2]     (make cluster)
    python -m deploy.cluster stop                 (make cluster-stop)
    python -m deploy.cluster status

Everything it starts keeps its pid, log and configuration in ``.cluster/`` (or
``SOHOA_CLUSTER_DIR``), with the shared file store (``instance/``) and a secret key made
on the first start. The database (``CLUSTER_DATABASE_URL``, by default ``sohoa_cluster``
on the local PostgreSQL) is created, migrated and given the demo data on the first start.
Each piece maps to a machine of its own in a real deployment: see the README's scale-out
section.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SOHOA = [sys.executable, "-m", "core"]


@dataclass(frozen=True)
class Layout:
    """Where everything runs; tests make their own (other ports, database and channel)."""

    run: Path
    apps: int
    base_port: int
    listen: str
    conference: str
    database_url: str
    redis_url: str
    channel: str = "sohoa-cluster"
    settings: dict[str, str] = field(default_factory=dict)  # more variables for the apps

    @property
    def ports(self) -> list[int]:
        return [self.base_port + i for i in range(self.apps)]

    @property
    def url(self) -> str:
        return f"http://{self.listen}"


def layout(args: argparse.Namespace) -> Layout:
    return Layout(
        run=Path(os.environ.get("SOHOA_CLUSTER_DIR") or ROOT / ".cluster").resolve(),
        apps=args.apps,
        base_port=args.base_port,
        listen=args.listen,
        conference=args.conference,
        database_url=os.environ.get(
            "CLUSTER_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sohoa_cluster"
        ),
        redis_url=os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/1"),
    )


def app_env(lay: Layout) -> dict[str, str]:
    """What every app process and the conference server share."""
    key_file = lay.run / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return {
        **os.environ,
        "SOHOA_ENV": "production",
        "SECRET_KEY": key_file.read_text().strip(),
        "SESSION_COOKIE_SECURE": "0",  # plain HTTP on loopback; HTTPS in a real deployment
        "DATABASE_URL": lay.database_url,
        "SOCKETIO_MESSAGE_QUEUE": lay.redis_url,
        "SOCKETIO_CHANNEL": lay.channel,
        "RATELIMIT_STORAGE_URI": lay.redis_url,
        "CONFERENCE_SERVER": lay.conference,
        "PROXY_HOPS": "1",
        "SOHOA_INSTANCE_PATH": str(lay.run / "instance"),
        **lay.settings,
    }


def ensure_database(url: str, fresh: bool = False) -> None:
    """Create the cluster's PostgreSQL database when it is missing (``fresh``: drop it
    first, whoever is connected to it; the cluster tests start from nothing)."""
    target = make_url(url)
    if not target.drivername.startswith("postgresql"):
        return
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if fresh:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        found = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).first()
        if found is None:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def prepare(lay: Layout, env: dict[str, str]) -> None:
    ensure_database(lay.database_url)
    subprocess.run([*SOHOA, "init-db"], cwd=ROOT, env=env, check=True)
    if not (lay.run / "seeded").exists():
        subprocess.run([*SOHOA, "ca", "init"], cwd=ROOT, env=env, check=True)
        subprocess.run([*SOHOA, "seed-demo"], cwd=ROOT, env=env, check=True)
        (lay.run / "seeded").touch()


def spawn(lay: Layout, name: str, argv: list[str], env: dict[str, str]) -> None:
    """Start a process in a session of its own (it outlives `make`), keep its pid."""
    log = (lay.run / f"{name}.log").open("ab")
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    (lay.run / f"{name}.pid").write_text(str(proc.pid))


def nginx_conf(lay: Layout, temp: Path) -> str:
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in lay.ports
    )
    nodes, node_map, cookie_map = [], [], []
    for port in lay.ports:
        backups = "".join(f" server 127.0.0.1:{o} backup;" for o in lay.ports if o != port)
        nodes.append(f"    upstream node_{port} {{ server 127.0.0.1:{port};{backups} }}")
        node_map.append(f"        node_{port} node_{port};")
        cookie = f"sohoa_node=node_{port}; Path=/; HttpOnly; SameSite=Lax"
        cookie_map.append(f'        "~127\\.0\\.0\\.1:{port}$" "{cookie}";')
    fields = {
        "@RUN@": str(lay.run),
        "@TEMP@": str(temp),
        "@LISTEN@": lay.listen,
        "@MAX_BODY@": f"{int(os.environ.get('MAX_UPLOAD_MB', '50')) + 10}m",
        "@SERVERS@": servers,
        "@NODES@": "\n".join(nodes),
        "@NODE_MAP@": "\n".join(node_map),
        "@COOKIE_MAP@": "\n".join(cookie_map),
    }
    conf = (ROOT / "deploy" / "nginx.conf.in").read_text()
    for name, value in fields.items():
        conf = conf.replace(name, value)
    return conf


def start_nginx(lay: Layout) -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx-light)")
    # nginx's workers run as another user: their temporary files go to a folder they can
    # reach (nginx makes the subfolders theirs), not under the run folder
    temp = Path(tempfile.mkdtemp(prefix="sohoa-nginx-"))
    temp.chmod(0o711)
    (lay.run / "nginx-temp").write_text(str(temp))
    conf = lay.run / "nginx.conf"
    conf.write_text(nginx_conf(lay, temp))
    base = [nginx, "-p", str(lay.run), "-c", str(conf), "-g", "daemon off;"]
    subprocess.run([*base, "-t", "-q"], check=True)
    spawn(lay, "nginx", base, dict(os.environ))


def wait_ready(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not become ready in {timeout:.0f} s; see the logs in .cluster/")


def start(lay: Layout) -> None:
    if alive(lay):
        raise SystemExit(f"already running: {', '.join(alive(lay))} (make cluster-stop)")
    lay.run.mkdir(parents=True, exist_ok=True)
    env = app_env(lay)
    prepare(lay, env)
    spawn(lay, "conference", [*SOHOA, "conference-server", "--listen", lay.conference], env)
    for port in lay.ports:
        serve = [*SOHOA, "serve", "--host", "127.0.0.1", "--port", str(port)]
        spawn(lay, f"app-{port}", serve, env)
    start_nginx(lay)
    for port in lay.ports:
        wait_ready(f"http://127.0.0.1:{port}/readyz")
    wait_ready(f"{lay.url}/readyz")
    ports = ", ".join(map(str, lay.ports))
    print(f"Sohoa cluster on {lay.url}: {lay.apps} app processes ({ports}),")
    print(f"conference server {lay.conference}, nginx; logs and pids in {lay.run}")


def pids(lay: Layout) -> dict[str, int]:
    found = {}
    for pid_file in sorted(lay.run.glob("*.pid")):  # nginx writes the same pid as ours
        try:
            found[pid_file.stem] = int(pid_file.read_text().split()[0])
        except (ValueError, IndexError):
            continue
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def alive(lay: Layout) -> list[str]:
    return [name for name, pid in pids(lay).items() if running(pid)]


def stop(lay: Layout) -> None:
    for pid in pids(lay).values():
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while alive(lay) and time.monotonic() < deadline:
        time.sleep(0.2)
    for name in alive(lay):
        with contextlib.suppress(OSError):  # it may end between the look and the kill
            os.killpg(pids(lay)[name], signal.SIGKILL)
    for pid_file in lay.run.glob("*.pid"):
        pid_file.unlink()
    temp = lay.run / "nginx-temp"
    if temp.exists():
        shutil.rmtree(temp.read_text().strip(), ignore_errors=True)
        temp.unlink()
    print("Sohoa cluster stopped")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("start", "stop", "status"))
    parser.add_argument("--apps", type=int, default=int(os.environ.get("CLUSTER_APPS", "2")))
    parser.add_argument("--base-port", type=int, default=5001)
    parser.add_argument("--listen", default=os.environ.get("CLUSTER_LISTEN", "127.0.0.1:8080"))
    parser.add_argument("--conference", default="127.0.0.1:8790")
    args = parser.parse_args(argv)
    lay = layout(args)
    if args.command == "start":
        start(lay)
    elif args.command == "stop":
        stop(lay)
    else:
        print("running:", ", ".join(alive(lay)) or "nothing")


if __name__ == "__main__":
    main()
