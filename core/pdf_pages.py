"""The per-page content budget: page size, operators and image pixels (validation child).

A page's cost is its content streams plus, recursively, the form XObjects they paint
(times the number of ``Do`` that paint them), the images they paint (declared width ×
height, each image once per page), and once each the annotation appearances, tiling
patterns and Type 3 glyph procedures of the page. A form that paints itself, or forms
nested deeper than MAX_FORM_DEPTH, are refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from core.pdf_budget import Budget, object_key, resolve, too_complex
from core.pdf_content import ContentStats, TooManyOperators, content_stats

MAX_FORM_DEPTH = 32
MAX_PAGE_SIDE = 14_400  # units (200 inches, 5.08 m): the largest page PDF 1.7 allows


@dataclass
class Cost:
    operators: int = 0
    images: dict[Any, int] = field(default_factory=dict)  # image key -> pixels


def check_page_box(number: int, page: Any) -> None:
    """Refuse a page whose media box is absurd (not finite, or larger than 5 m)."""
    box = [float(v) for v in page.mediabox]
    sides = (abs(box[2] - box[0]), abs(box[3] - box[1]))
    if not all(math.isfinite(v) for v in box) or max(sides) > MAX_PAGE_SIDE:
        raise too_complex("page_size", page=number)


class PageCosts:
    """Operators and pixels per page, within the budget of one validation."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.limits = budget.limits
        self._stats: dict[Any, ContentStats] = {}
        self._forms: dict[Any, Cost] = {}

    def check(self, number: int, page: Any) -> None:
        resources = _dict(page.get("/Resources"))
        cost = self._cost(_streams(page.get("/Contents")), resources, number, ())
        for extra, extra_resources in _once_per_page(page, resources):
            self._add(cost, self._form(extra, extra_resources, number, ()), 1, number)
        pixels = sum(cost.images.values())
        if pixels > self.limits.page_pixels:
            raise too_complex("pixels", page=number, mp=self.limits.page_pixels // 1_000_000)

    def _cost(self, streams: list[Any], resources: Any, number: int, stack: tuple) -> Cost:
        stats, cost = ContentStats(), Cost()
        for stream in streams:
            part = self._content(stream, number)
            stats.add(part)
            if part.inline_pixels:
                cost.images[("inline", object_key(stream) or id(stream))] = part.inline_pixels
        cost.operators = stats.operators
        xobjects = _dict(resources.get("/XObject")) if resources else {}
        for name, times in stats.invocations.items():
            xobject = resolve(xobjects.get(name))
            subtype = xobject.get("/Subtype") if hasattr(xobject, "get_data") else None
            if subtype == "/Image":
                cost.images.update(_image_pixels(xobject))
            elif subtype == "/Form":
                self._add(cost, self._form(xobject, resources, number, stack), times, number)
        self._check_operators(cost.operators, number)
        return cost

    def _form(self, form: Any, parent_resources: Any, number: int, stack: tuple) -> Cost:
        key = object_key(form) or id(form)
        if key in stack or len(stack) >= MAX_FORM_DEPTH:
            raise too_complex("nesting", page=number)
        resources = _dict(form.get("/Resources")) or parent_resources
        memo = (key, id(resources))
        if memo not in self._forms:
            self._forms[memo] = self._cost([form], resources, number, (*stack, key))
        return self._forms[memo]

    def _add(self, cost: Cost, part: Cost, times: int, number: int) -> None:
        cost.operators += times * part.operators
        cost.images.update(part.images)
        self._check_operators(cost.operators, number)

    def _content(self, stream: Any, number: int) -> ContentStats:
        key = object_key(stream) or id(stream)
        if key not in self._stats:
            limit = self.limits.page_operators
            try:
                self._stats[key] = content_stats(self.budget.chunks(stream), limit)
            except TooManyOperators as err:
                raise self._too_many(number) from err
        return self._stats[key]

    def _check_operators(self, operators: int, number: int) -> None:
        if operators > self.limits.page_operators:
            raise self._too_many(number)

    def _too_many(self, number: int) -> BaseException:
        return too_complex("operators", page=number, n=self.limits.page_operators)


def _dict(obj: Any) -> Any:
    obj = resolve(obj)
    return obj if isinstance(obj, dict) else {}


def _streams(contents: Any) -> list[Any]:
    contents = resolve(contents)
    items = contents if isinstance(contents, list) else [contents]
    return [s for s in (resolve(i) for i in items) if hasattr(s, "get_data")]


def _number(obj: Any) -> int:
    try:
        return max(0, int(resolve(obj) or 0))
    except (TypeError, ValueError, OverflowError):
        return 0


def _image_pixels(image: Any) -> dict[Any, int]:
    """Declared pixels of an image and of its soft mask / stencil mask."""
    found: dict[Any, int] = {}
    for item in (image, resolve(image.get("/SMask")), resolve(image.get("/Mask"))):
        if hasattr(item, "get_data"):
            found[object_key(item) or id(item)] = _number(item.get("/Width")) * _number(
                item.get("/Height")
            )
    return found


def _once_per_page(page: Any, resources: Any) -> list[tuple[Any, Any]]:
    """Annotation appearances, tiling patterns and Type 3 glyphs: (stream, resources)."""
    found: list[tuple[Any, Any]] = []
    for annotation in resolve(page.get("/Annots")) or []:
        appearance = _dict(_dict(annotation).get("/AP")).get("/N")
        normal = resolve(appearance)
        states = [normal] if hasattr(normal, "get_data") else list(_dict(normal).values())
        found += [(s, resources) for s in map(resolve, states) if hasattr(s, "get_data")]
    for pattern in _dict(resources.get("/Pattern")).values() if resources else []:
        pattern = resolve(pattern)
        if hasattr(pattern, "get_data") and pattern.get("/PatternType") == 1:
            found.append((pattern, resources))
    for font in _dict(resources.get("/Font")).values() if resources else []:
        font = _dict(font)
        if font.get("/Subtype") == "/Type3":
            glyph_resources = _dict(font.get("/Resources")) or resources
            procs = _dict(font.get("/CharProcs")).values()
            found += [(p, glyph_resources) for p in map(resolve, procs) if hasattr(p, "get_data")]
    return found
