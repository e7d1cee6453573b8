"""Signals between features (blinker): a feature reacts to another without importing it.

``seat_confirmed``: a parent confirmed a child's seat (xác nhận nhập học). Sender: the
allocation round. Keyword arguments: ``school`` (organisation code), ``grade`` (int),
``school_year`` (``"2026-2027"``), ``full_name``, ``personal_id`` (12 digits).
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

seat_confirmed = signals.signal("seat-confirmed")
