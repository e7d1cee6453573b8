"""How many connections one account holds per namespace, in this process.

A person may follow a meeting from a tablet, a laptop and a phone at once, but a script
looping on `connect` must not take the server's threads: past ``SOCKETS_PER_USER`` new
connections of the same account are refused until one closes. The count is per server
process (with several processes behind a sticky proxy, each enforces its own ceiling).
"""

from __future__ import annotations

import threading
from collections import Counter

_lock = threading.Lock()
_open: Counter[tuple[str, int]] = Counter()


def claim(namespace: str, user_id: int, ceiling: int) -> bool:
    """Count a new connection; False (and nothing counted) when the account is at the
    ceiling."""
    key = (namespace, user_id)
    with _lock:
        if _open[key] >= ceiling:
            return False
        _open[key] += 1
        return True


def release(namespace: str, user_id: int) -> None:
    key = (namespace, user_id)
    with _lock:
        if _open[key] > 1:
            _open[key] -= 1
        else:
            _open.pop(key, None)


def held(namespace: str, user_id: int) -> int:
    with _lock:
        return _open[(namespace, user_id)]
