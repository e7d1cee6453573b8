"""Official documents and signatures: render a 10-page minutes, one visible B-T signature,
verify a 3-signature document — the app's functions against bare pyHanko calls.

    python -m bench.signing [--runs N] [--quick]

Targets: render < 1 s, sign < 400 ms, verify < 150 ms, app/pyHanko ≤ 1.3×.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature

from core import create_app
from signing import keys
from signing.pades import (
    Placement,
    SignerKey,
    sign_pdf,
    stamp_style,
    timestamper,
    validation_context,
)
from signing.render import SignatureBlock, render_official
from signing.verify import verify_pdf

README = Path(__file__).resolve().parent / "README.md"
BLOCKS = [
    SignatureBlock("secretary", "Thư ký", "Trần Thị Bình"),
    SignatureBlock("chair", "Chủ tọa", "Nguyễn Văn An"),
]


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``runs`` calls (after one warm-up)."""
    fn()
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def _body() -> list[str]:
    lines = []
    for item in range(1, 34):
        lines += [
            f"{item}. Nội dung thứ {item} của chương trình họp",
            "   - Phát biểu: Lê Văn Cường",
        ]
        lines += [
            f"   Kết luận: giao Ủy ban nhân dân phường thực hiện nhiệm vụ số {item} đúng hạn."
        ] * 8
    return lines


def render() -> object:
    return render_official(
        "UBND thành phố Huế",
        "Biên bản",
        "Phiên họp thường kỳ",
        _body(),
        "Huế",
        dt.datetime.now(dt.UTC),
        signers=BLOCKS,
        qr_url="http://127.0.0.1:5000/signing/v/x",
    )


def run(runs: int) -> dict[str, float]:
    auth, _ = keys.init_ca()
    rendered = render()
    pages = len(PdfFileReader(io.BytesIO(rendered.pdf)).root["/Pages"]["/Kids"])
    people = []
    for name in ("Thư ký", "Chủ tọa", "Văn thư"):
        key = keys.new_key()
        people.append(SignerKey(keys.issue_certificate(auth, key, name, "UBND"), keys.key_der(key)))
    page, box = rendered.boxes["secretary"]
    place = Placement("Sig_secretary", page, box, "Ký bởi: %(signer)s")

    def app_sign() -> bytes:
        return sign_pdf(rendered.pdf, people[0], place, authority=auth, long_term=False)

    bare_signer, bare_tsa, style = (
        people[0].pyhanko_signer(),
        timestamper(auth),
        stamp_style(place.text),
    )

    def bare_sign() -> bytes:
        meta = signers.PdfSignatureMetadata(
            field_name="Sig_secretary", subfilter=fields.SigSeedSubFilter.PADES
        )
        spec = fields.SigFieldSpec("Sig_secretary", on_page=page, box=box)
        w = IncrementalPdfFileWriter(io.BytesIO(rendered.pdf), strict=False)
        pdf_signer = signers.PdfSigner(
            meta, signer=bare_signer, timestamper=bare_tsa, stamp_style=style, new_field_spec=spec
        )
        return pdf_signer.sign_pdf(w, in_place=False).getvalue()

    three = rendered.pdf
    for n, role in enumerate(("secretary", "chair")):
        p, b = rendered.boxes[role]
        three = sign_pdf(
            three, people[n], Placement(f"Sig_{role}", p, b, "%(signer)s"), authority=auth
        )
    three = sign_pdf(
        three,
        people[2],
        Placement("Sig_seal", page, (300, 100, 400, 200), "%(signer)s", seal=True, lock=True),
        authority=auth,
    )
    assert verify_pdf(three).valid
    context = validation_context((auth.root,))

    def bare_verify() -> None:
        reader = PdfFileReader(io.BytesIO(three), strict=False)
        for sig in reader.embedded_signatures:
            validate_pdf_signature(sig, signer_validation_context=context)

    figures = {"pages": pages}
    for name, fn in (
        ("render", render),
        ("sign", app_sign),
        ("sign_bare", bare_sign),
        ("verify", lambda: verify_pdf(three)),
        ("verify_bare", bare_verify),
    ):
        figures[name + "_wall"], figures[name + "_cpu"] = timed(fn, runs)
    _ = asyncio
    return figures


def _row(label: str, f: dict[str, float], key: str, target: str) -> str:
    ms = "{:.0f} ms".format
    wall, cpu = ms(f[key + "_wall"] * 1000), ms(f[key + "_cpu"] * 1000)
    bare = f.get(key + "_bare_cpu")
    if bare is None:
        return f"| {label} | {wall} | {cpu} | — | — | {target} |"
    ratio = f[key + "_cpu"] / bare
    return f"| {label} | {wall} | {cpu} | {ms(bare * 1000)} | {ratio:.2f}× | {target} |"


def report(f: dict[str, float], runs: int) -> str:
    pages = f"{f['pages']:.0f}"
    return "\n".join(
        [
            "## Signing: render, sign, verify (bench/signing.py)",
            "",
            f"`python -m bench.signing --runs {runs}` — medians of {runs} runs after a warm-up, "
            "app functions and bare pyHanko calls in the same process.",
            "",
            "| step | app wall | app CPU | bare pyHanko CPU | ratio (CPU) | target |",
            "| --- | --- | --- | --- | --- | --- |",
            _row(f"render a {pages}-page minutes (PDF/A-2b, QR)", f, "render", "< 1 s"),
            _row("one visible B-T signature (in-house TSA)", f, "sign", "< 400 ms, ≤ 1.3×"),
            _row("verify 3 signatures (diff analysis, CRL)", f, "verify", "< 150 ms, ≤ 1.3×"),
            "",
        ]
    )


def write_readme(section: str) -> None:
    text = README.read_text() if README.exists() else ""
    head = "## Signing: render, sign, verify"
    if head in text:
        start = text.index(head)
        nxt = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[nxt + 1 :] if nxt != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    README.write_text(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    runs = 2 if args.quick else args.runs
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SOHOA_INSTANCE_PATH"] = tmp
        app = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/b.sqlite"})
        with app.app_context():
            figures = run(runs)
    section = report(figures, runs)
    print(section)
    if not args.quick:
        write_readme(section)


if __name__ == "__main__":
    main()
