"""The organisation's seal (con dấu) as drawn on a sealed document: a red round seal with
the organisation's name around the rim and a star in the middle."""

from __future__ import annotations

import functools
import math

from PIL import Image, ImageDraw, ImageFont

from signing.render import nfc, serif_fonts

RED = (200, 16, 32, 255)
SIZE = 480


def _star(draw: ImageDraw.ImageDraw, centre: float, radius: float) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.4
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((centre + r * math.cos(angle), centre + r * math.sin(angle)))
    draw.polygon(points, fill=RED)


def _rim_text(image: Image.Image, text: str, radius: float) -> None:
    font = ImageFont.truetype(serif_fonts()[1], 38)
    text = f"{text} ★ "
    step = 2 * math.pi / max(len(text), 1)
    centre = SIZE / 2
    for i, char in enumerate(text):
        angle = -math.pi / 2 + i * step
        glyph = Image.new("RGBA", (60, 60), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((30, 30), char, font=font, fill=RED, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.cos(angle) - 30
        y = centre + radius * math.sin(angle) - 30
        image.alpha_composite(glyph, (round(x), round(y)))


@functools.lru_cache(maxsize=32)
def seal_image(organisation: str) -> Image.Image:
    """The seal of ``organisation`` (RGBA, transparent outside the rings)."""
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), outline=RED, width=14)
    draw.ellipse((92, 92, SIZE - 92, SIZE - 92), outline=RED, width=5)
    _star(draw, SIZE / 2, 70)
    _rim_text(image, nfc(organisation).upper(), SIZE / 2 - 50)
    return image
