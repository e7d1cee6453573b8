"""A large meeting document: a 300-page ~30 MB PDF, validated and stored; first page on screen.

    python -m bench.large_document [--pages 300 --filler-kb 100 --repeat 3]

1. Upload: POST /api/v1/meetings/{id}/documents end to end on a live server (multipart
   upload, pypdf validation, sha256, write to the file store, commit), and
   core.pdf.validate_pdf alone, against an in-run baseline: reading the same bytes from
   disk and hashing them (sha256), the least any upload must do. Each upload stores the
   file anew (the stored copy is removed between runs).
2. First page: headless Chromium signs in as a participant and opens the live room
   /meetings/{id}/room; every response from /api/v1/documents/{id}/file is recorded
   (status, Content-Length, Content-Range, and the bytes the browser actually received,
   from the DevTools protocol) until the viewer #live-document has data-rendered="1".
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from bench.common import (
    command_line,
    create_meeting,
    machine,
    record_run,
    sohoa_cluster,
    today,
)
from core.pdf import validate_pdf
from core.sample_pdf import numbered_pdf
from tests.support import DEMO_PASSWORD, LiveServer

TARGET_UPLOAD_S = 3.0
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PARTICIPANT = "daibieu"
RENDER_TIMEOUT_MS = 60_000
FILE_URL = re.compile(r"/api/v1/documents/\d+/file")


def timed(fn: Any, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def upload_times(server: LiveServer, instance: Path, token: str, meeting_id: int, pdf: bytes,
                 repeat: int) -> tuple[list[float], dict[str, Any]]:
    digest = hashlib.sha256(pdf).hexdigest()
    stored = instance / "files" / digest[:2] / digest[2:]
    times, body = [], {}
    for _ in range(repeat):
        stored.unlink(missing_ok=True)
        start = time.perf_counter()
        response = server.api(
            "POST", f"/api/v1/meetings/{meeting_id}/documents", token,
            files={"file": ("bao-cao-300-trang.pdf", pdf, "application/pdf")},
        )
        times.append(time.perf_counter() - start)
        response.raise_for_status()
        body = response.json()
    if not stored.exists() or body.get("sha256") != digest:
        raise RuntimeError(f"upload not stored as expected: {body}")
    return times, body


def first_page(server: LiveServer, meeting_id: int, size: int, mbps: float | None) -> dict:
    """Open the live room in Chromium; bytes of the document received until page 1 is drawn.

    `mbps` emulates a slow link (DevTools Network.emulateNetworkConditions, 40 ms latency);
    None is plain loopback. Bytes are the response bodies the browser received (the sum of
    Network.dataReceived dataLength), per request, at the moment data-rendered="1" is seen."""

    out: dict[str, Any] = {"mbps": mbps, "rendered": False, "requests": {}}
    requests: dict[str, dict[str, Any]] = out["requests"]

    def sent(event: dict[str, Any]) -> None:
        if FILE_URL.search(event["request"]["url"]):
            requests[event["requestId"]] = {"range": None, "status": None, "length": 0,
                                            "received": 0}

    def responded(event: dict[str, Any]) -> None:
        if event["requestId"] in requests:
            headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
            requests[event["requestId"]].update(
                status=event["response"]["status"], range=headers.get("content-range"),
                length=int(headers.get("content-length", 0)))

    def received(event: dict[str, Any]) -> None:
        if event["requestId"] in requests:
            requests[event["requestId"]]["received"] += event["dataLength"]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            headless=True, args=CHROMIUM_ARGS,
        )
        try:
            page = browser.new_context(base_url=server.url, locale="vi-VN").new_page()
            page.goto("/login")
            page.fill("#username", PARTICIPANT)
            page.fill("#password", DEMO_PASSWORD)
            page.click("#login-submit")
            page.wait_for_load_state("networkidle")
            cdp = page.context.new_cdp_session(page)
            cdp.send("Network.enable")
            if mbps:
                cdp.send("Network.emulateNetworkConditions", {
                    "offline": False, "latency": 40, "uploadThroughput": int(mbps * 125_000),
                    "downloadThroughput": int(mbps * 125_000)})
            cdp.on("Network.requestWillBeSent", sent)
            cdp.on("Network.responseReceived", responded)
            cdp.on("Network.dataReceived", received)
            started = time.perf_counter()
            response = page.goto(f"/meetings/{meeting_id}/room")
            out["room_status"] = response.status if response else None
            try:
                viewer = page.wait_for_selector('#live-document[data-rendered="1"]',
                                                timeout=RENDER_TIMEOUT_MS)
                out["rendered"] = True
                out["seconds"] = time.perf_counter() - started
                out["page"] = viewer.get_attribute("data-page") if viewer else None
                out["document"] = viewer.get_attribute("data-document-id") if viewer else None
            except PlaywrightError as err:
                out["error"] = str(err).splitlines()[0]
                out["title"] = page.title()
            out["at_render"] = [dict(r) for r in requests.values()]
            page.wait_for_timeout(3000)  # what the viewer keeps fetching afterwards
            out["received_3s_later"] = sum(r["received"] for r in requests.values())
        finally:
            browser.close()
    out["received"] = sum(r["received"] for r in out["at_render"])
    out["content_length_sum"] = sum(
        r["length"] for r in out["at_render"] if r["status"] in (200, 206))
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    pdf = numbered_pdf(args.pages, title="Báo cáo 300 trang", filler_kb=args.filler_kb)
    made_s = time.perf_counter() - started
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        source = Path(handle.name)
        hash_s = timed(lambda: hashlib.sha256(source.read_bytes()).hexdigest(), args.repeat)
    validate_s = timed(lambda: validate_pdf(pdf, 40 * 1024 * 1024, 2000), args.repeat)
    pages = validate_pdf(pdf, 40 * 1024 * 1024, 2000).pages
    with sohoa_cluster(1, "sqlite") as cluster:
        server = cluster.main
        token = server.token("chutich")
        # no document yet: the first upload below becomes the meeting's live document
        meeting_id, _ = create_meeting(server, token, [PARTICIPANT], None, "Bench: tài liệu lớn")
        upload_s, body = upload_times(server, cluster.instance, token, meeting_id, pdf,
                                      args.repeat)
        browser = []
        if not args.no_browser:
            browser = [first_page(server, meeting_id, len(pdf), mbps)
                       for mbps in (None, args.link_mbps)]
    return {"size": len(pdf), "pages": pages, "made_s": made_s, "hash_s": hash_s,
            "validate_s": validate_s, "upload_s": upload_s, "body": body, "browser": browser,
            "meeting_id": meeting_id}


def mb(n: float) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def report(args: argparse.Namespace, argv: list[str], data: dict[str, Any]) -> str:
    hash_s = statistics.median(data["hash_s"])
    validate_s = statistics.median(data["validate_s"])
    upload_s = statistics.median(data["upload_s"])
    worst = max(data["upload_s"])
    lines = [
        f"## Large document — {data['pages']} pages, {mb(data['size'])}", "",
        f"- date: {today()}; machine: {machine()}",
        f"- command: `{command_line('bench.large_document', argv)}`",
        f"- the PDF: core.sample_pdf.numbered_pdf({args.pages}, filler_kb={args.filler_kb}),"
        f" {data['size']:,} bytes, generated in {data['made_s']:.1f} s (not counted)", "",
        "| step | median s | runs s | × baseline |", "| --- | --- | --- | --- |",
        f"| baseline: read the file from disk + sha256 | {hash_s:.3f} "
        f"| {', '.join(f'{t:.3f}' for t in data['hash_s'])} | 1.0 |",
        f"| core.pdf.validate_pdf alone | {validate_s:.3f} "
        f"| {', '.join(f'{t:.3f}' for t in data['validate_s'])} | {validate_s / hash_s:.1f} |",
        f"| POST /api/v1/meetings/{{id}}/documents end to end | {upload_s:.3f} "
        f"| {', '.join(f'{t:.3f}' for t in data['upload_s'])} | {upload_s / hash_s:.1f} |",
        "",
        f"- upload target < {TARGET_UPLOAD_S:.0f} s: "
        f"{'met' if worst < TARGET_UPLOAD_S else 'missed'} (slowest run {worst:.2f} s); "
        f"answer: pages={data['body'].get('pages')}, sha256={data['body'].get('sha256', '')[:12]}…",
    ]
    return "\n".join(lines + browser_lines(data["browser"], data["size"]))


def browser_lines(runs: list[dict[str, Any]], size: int) -> list[str]:
    if not runs:
        return ["- first page in the browser: skipped (--no-browser)"]
    lines = [
        "", f"First page in the browser (Chromium, signed in as {PARTICIPANT}, the live room "
        "/meetings/{id}/room; bytes = response bodies received for /api/v1/documents/{id}/file"
        " when #live-document has data-rendered=\"1\"):", "",
        "| link | page drawn after s | bytes received by then | of the file | Content-Length "
        "sum of the 200/206 responses | requests by then | received 3 s later |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        link = f"{run['mbps']:g} Mbit/s, 40 ms (emulated)" if run["mbps"] else "loopback"
        if not run["rendered"]:
            lines.append(
                f"| {link} | **not drawn** (room page HTTP {run.get('room_status')}, "
                f"title {run.get('title')!r}: {run.get('error')}) | {run['received']:,} | "
                f"{run['received'] / size:.1%} | {run['content_length_sum']:,} | "
                f"{len(run['at_render'])} | {run['received_3s_later']:,} |")
            continue
        asked = "; ".join(
            f"{r['status']} {r['range'] or 'whole file'}: {r['received']:,} B"
            for r in run["at_render"])
        lines.append(
            f"| {link} | {run['seconds']:.2f} | {run['received']:,} "
            f"| **{run['received'] / size:.1%}** | {run['content_length_sum']:,} | {asked} "
            f"| {run['received_3s_later']:,} |")
    return lines


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--filler-kb", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--link-mbps", type=float, default=8.0,
                        help="the emulated weak link for the second browser run")
    parser.add_argument("--no-readme", action="store_true", help="print only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    record_run(argv, parse, lambda args, shown: report(args, shown, run(args)),
               lambda _args: "large_document")


if __name__ == "__main__":
    main()
