"""Link quality per site for the IT staff (chất lượng đường truyền), from the hub's own
WebRTC statistics: what arrives from the site (frames, bytes, loss) and the round trip
measured on what the hub sends back to it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conference.hub import Room, Source

DEGRADED_LOSS_PERCENT = 5.0
DEGRADED_FPS = 10.0
DEGRADED_RTT_MS = 400.0


def _rates(source: Source) -> tuple[float, float]:
    """Frames per second and kbit/s of the site's video since the previous sample."""
    fanout = source.fanouts.get("video")
    if fanout is None:
        return 0.0, 0.0
    now = time.monotonic()
    previous = getattr(fanout, "_sample", None)
    fanout._sample = (now, fanout.frames, fanout.octets)  # type: ignore[attr-defined]
    if previous is None or now - previous[0] < 0.2:
        return 0.0, 0.0
    seconds = now - previous[0]
    return (fanout.frames - previous[1]) / seconds, (
        fanout.octets - previous[2]
    ) * 8 / seconds / 1000


async def _loss(source: Source) -> float:
    lost = received = 0
    for receiver in source.receivers.values():
        for stat in (await receiver.getStats()).values():
            if stat.type == "inbound-rtp":
                lost += max(0, stat.packetsLost)
                received += stat.packetsReceived
    total = lost + received
    return 100.0 * lost / total if total else 0.0


async def _rtt(room: Room, site: str) -> float | None:
    for (receiver_site, _source), sub in room.subscriptions.items():
        if receiver_site != site:
            continue
        for sender in sub.pc.getSenders():
            for stat in (await sender.getStats()).values():
                if stat.type == "remote-inbound-rtp" and stat.roundTripTime is not None:
                    return float(stat.roundTripTime) * 1000
    return None


async def site_stats(room: Room) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    # a site only awaited by receivers has not joined: it is left out
    sites = {s.site for s in room.sources.values() if s.published} | {
        k[0] for k in room.subscriptions
    }
    for site in sorted(sites):
        source = room.sources.get(site)
        connected = (
            source is not None
            and source.pc is not None
            and (source.pc.connectionState == "connected")
        )
        fps, kbps = _rates(source) if source else (0.0, 0.0)
        loss = await _loss(source) if source else 0.0
        rtt = await _rtt(room, site)
        degraded = (
            not connected
            or loss > DEGRADED_LOSS_PERCENT
            or fps < DEGRADED_FPS
            or (rtt is not None and rtt > DEGRADED_RTT_MS)
        )
        out[site] = {
            "connected": connected,
            "bitrate_kbps": round(kbps, 1),
            "fps": round(fps, 1),
            "loss_percent": round(loss, 2),
            "rtt_ms": None if rtt is None else round(rtt, 1),
            "degraded": degraded,
        }
    return out
