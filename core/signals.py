"""Signals between features (blinker): a feature reacts to another without importing it.

``seat_confirmed``: a parent confirmed a child's seat (xác nhận nhập học). Sent by the
enrollment feature inside the confirming transaction (receivers only flush, so the roster
and the confirmation commit together or not at all). Sender: ``"enrollment"``. Keyword
arguments: ``school`` (organisation code), ``grade`` (int), ``school_year``
(``"2027-2028"``), ``full_name``, ``personal_id`` (12 digits), ``date_of_birth`` (ISO) and
``dossier_code``. The classroom feature listens to build the school's roster of that grade.
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

seat_confirmed = signals.signal("seat-confirmed")
