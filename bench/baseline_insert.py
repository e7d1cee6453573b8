"""The baseline of the enrollment benches: a bare Flask app served like Sohoa.

``POST /insert`` stores the JSON body as one row; ``GET /row/<id>`` reads one row back.
Same gunicorn thread worker, same thread count, same database as the Sohoa server of
the run. Run: ``python -m bench.baseline_insert DATABASE_URL PORT THREADS [WORKERS]``.
"""

from __future__ import annotations

import sys

from flask import Flask, jsonify, request
from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine, insert, select

from core.server import GunicornServer, server_options

metadata = MetaData()
rows = Table("bench_row", metadata, Column("id", Integer, primary_key=True),
             Column("payload", Text, nullable=False))


def make_app(url: str) -> Flask:
    engine = create_engine(url, pool_size=10, max_overflow=40, pool_pre_ping=True)
    metadata.create_all(engine)
    app = Flask("baseline")

    @app.post("/insert")
    def insert_row():
        with engine.begin() as conn:
            row_id = conn.execute(
                insert(rows).values(payload=request.get_data(as_text=True)).returning(rows.c.id)
            ).scalar_one()
        return jsonify(id=row_id), 201

    @app.get("/row/<int:row_id>")
    def read_row(row_id: int):
        with engine.connect() as conn:
            payload = conn.execute(select(rows.c.payload).where(rows.c.id == row_id)).scalar()
        return (jsonify(id=row_id, size=len(payload)), 200) if payload else ("", 404)

    @app.get("/healthz")
    def healthz():
        return "ok"

    return app


def main() -> None:
    url, port, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    options = server_options("127.0.0.1", port, threads)
    options["workers"] = workers
    options["worker_class"] = "gthread"
    options["accesslog"] = None
    GunicornServer(lambda: make_app(url), options).run()


if __name__ == "__main__":
    main()
