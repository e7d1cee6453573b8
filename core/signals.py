"""Signals between features (they never import one another).

``seat_confirmed`` — a child confirmed a school seat (xác nhận nhập học). Sent after the
commit by the enrollment feature with ``school_code``, ``grade``, ``school_year``,
``full_name``, ``date_of_birth`` and ``dossier_code``; a classroom feature listens to build
the school's roster of that grade.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

seat_confirmed = _signals.signal("seat-confirmed")
