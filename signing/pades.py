"""PAdES signing with pyHanko (ký số PAdES): a visible signature in the signer's block,
a timestamp from the deployment's own TSA (RFC 3161), revocation data embedded (B-LT),
never fetching anything over the network."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from core.aio import outside_loop
from signing import keys
from signing.models import SigningKey
from signing.render import serif_fonts
from signing.seal import seal_image

STAMP_FONT_SIZE = 8


def asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


@functools.cache
def _stamp_font_path(folder: str) -> str:
    """Liberation Serif rescaled to 1000 units per em (at 2048 pyHanko's stamps come out
    letter-spaced); made once under the instance folder."""
    regular = serif_fonts()[0]
    font = TTFont(regular)
    if font["head"].unitsPerEm == 1000:
        return regular
    target = Path(folder) / "stamp-serif-1000.ttf"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        scale_upem(font, 1000)
        tmp = target.with_suffix(".tmp")
        font.save(tmp)
        tmp.replace(target)
    return str(target)


@functools.cache
def _stamp_font(path: str) -> GlyphAccumulatorFactory:
    return GlyphAccumulatorFactory(path, font_size=STAMP_FONT_SIZE)


def stamp_style(text: str, seal: bool = False, organisation: str = "") -> TextStampStyle:
    font = _stamp_font(_stamp_font_path(str(keys.ca_dir() / "fonts")))
    if seal:  # the red round seal, the signer's text small across it
        return TextStampStyle(
            stamp_text=text,
            text_box_style=TextBoxStyle(font=font, font_size=STAMP_FONT_SIZE),
            background=PdfImage(seal_image(organisation or "Sohoa")),
            background_opacity=0.9,
            border_width=0,
            timestamp_format="%d/%m/%Y %H:%M:%S %Z",
        )
    return TextStampStyle(
        stamp_text=text,
        # the text box's size must equal the font's (a pyHanko pitfall)
        text_box_style=TextBoxStyle(font=font, font_size=STAMP_FONT_SIZE),
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID,
            y_align=AxisAlignment.ALIGN_MID,
            margins=Margins.uniform(2),
        ),
        border_width=2 if seal else 1,
        border_color=(0.8, 0.1, 0.1) if seal else (0.05, 0.2, 0.55),
        timestamp_format="%d/%m/%Y %H:%M:%S %Z",
    )


def validation_context(extra_roots: tuple[x509.Certificate, ...] = ()) -> ValidationContext:
    """Trust the deployment's root (and ``extra_roots``), use the local CRL, fetch nothing."""
    roots = [asn1_cert(c) for c in extra_roots]
    root = keys.root_certificate()
    if root is not None:
        roots.append(asn1_cert(root))
    crl = keys.crl_der()
    return ValidationContext(
        trust_roots=roots,
        crls=[asn1_crl.CertificateList.load(crl)] if crl else [],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


@dataclass(frozen=True)
class SignerKey:
    """What signs: the certificate, its private key (PKCS#8 DER) and any chain."""

    certificate: x509.Certificate
    key_der: bytes
    chain: tuple[x509.Certificate, ...] = ()

    @classmethod
    def from_row(cls, row: SigningKey, key_der: bytes) -> SignerKey:
        chain = (
            tuple(x509.load_pem_x509_certificates(row.chain_pem.encode())) if row.chain_pem else ()
        )
        return cls(x509.load_pem_x509_certificate(row.certificate_pem.encode()), key_der, chain)

    def pyhanko_signer(self) -> signers.SimpleSigner:
        return signers.SimpleSigner(
            signing_cert=asn1_cert(self.certificate),
            signing_key=asn1_keys.PrivateKeyInfo.load(self.key_der),
            cert_registry=SimpleCertificateStore.from_certs([asn1_cert(c) for c in self.chain]),
        )


def timestamper(authority: keys.Authority) -> DummyTimeStamper:
    """The in-house RFC 3161 time-stamping authority, signing with the TSA's key."""
    return DummyTimeStamper(
        tsa_cert=asn1_cert(authority.tsa),
        tsa_key=asn1_keys.PrivateKeyInfo.load(keys.key_der(authority.tsa_key)),
        certs_to_embed=SimpleCertificateStore.from_certs([asn1_cert(authority.root)]),
    )


@dataclass(frozen=True)
class Placement:
    """Where the visible signature goes and what it says."""

    field: str
    page: int
    box: tuple[int, int, int, int]
    text: str
    seal: bool = False
    lock: bool = False  # the last signature: the document is locked after it
    organisation: str = ""  # the name around the seal


def sign_pdf(
    data: bytes,
    signer: SignerKey,
    placement: Placement,
    *,
    authority: keys.Authority | None = None,
    long_term: bool = True,
) -> bytes:
    """Add one visible PAdES signature as an incremental revision (B-T, or B-LT with the
    revocation data embedded when ``long_term``); returns the new file."""
    auth = authority or keys.authority()
    spec = fields.SigFieldSpec(
        placement.field,
        on_page=placement.page,
        box=placement.box,
        field_mdp_spec=fields.FieldMDPSpec(fields.FieldMDPAction.ALL) if placement.lock else None,
        doc_mdp_update_value=fields.MDPPerm.NO_CHANGES if placement.lock else None,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=placement.field,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        embed_validation_info=long_term,
        validation_context=validation_context((auth.root,)) if long_term else None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer.pyhanko_signer(),
        timestamper=timestamper(auth),
        stamp_style=stamp_style(placement.text, placement.seal, placement.organisation),
        new_field_spec=spec,
    )
    out = outside_loop(pdf_signer.sign_pdf, writer, in_place=False)  # pyHanko runs asyncio
    return out.getvalue()
