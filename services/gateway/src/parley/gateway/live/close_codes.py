"""Why the gateway closes a live channel (WebSocket close codes).

Refusals happen after the handshake, with a 4xxx code and the problem slug as the reason: a
browser cannot read an HTTP status from a refused handshake, but it does see close codes.
4000 + HTTP status where one fits.
"""

from __future__ import annotations

NORMAL = 1000  # the Space ended
INTERNAL_ERROR = 1011
TRY_AGAIN_LATER = 1013  # a slow consumer, or the room service did not answer: reconnect later
REMOVED = 4003  # removed from this Space (also when a removed user tries to come back)
NOT_AUTHENTICATED = 4401  # no, bad or expired credentials (token, cookie or ticket)
FORBIDDEN = 4403
NOT_FOUND = 4404


def for_status(status: int) -> int:
    """The close code for a service's problem status."""
    if status in (401, 403, 404):
        return 4000 + status
    if status in (503, 504, 429):
        return TRY_AGAIN_LATER
    return INTERNAL_ERROR if status >= 500 else 4000 + status
