"""Media relay's request/reply contract (context ``media``). The acting user is the
``Parley-Actor`` header; "actor" below means it is required (401 ``unauthenticated`` without
it).

Commands (``cmd.media.<name>``):
    negotiate(NegotiateMedia) -> MediaAnswer          actor who joined the Space (stage: send)
    close_session(SpaceRef) -> MediaSessionClosedReply    actor (hang up their own session)

Queries (``qry.media.<name>``):
    active_speakers(SpaceRef) -> ActiveSpeakers       anyone (who is speaking right now)

Any worker answers ``cmd.media.negotiate`` (queue group); placement decides which worker owns
the session, and a worker that is not the chosen one forwards the request, unchanged, to
``media.worker.<worker_id>.negotiate`` (see :mod:`parley.contracts.media`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.routes import Routes

CONTEXT = "media"

MAX_SDP_CHARS = 20_000


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SpaceRef(_Payload):
    space_id: str = Field(max_length=100)


class NegotiateMedia(_Payload):
    space_id: str = Field(max_length=100)
    sdp: str = Field(min_length=1, max_length=MAX_SDP_CHARS, description="The client's offer")
    type: Literal["offer"] = "offer"


class MediaAnswer(BaseModel):
    sdp: str = Field(description="The relay's answer")
    type: Literal["answer"] = "answer"
    session_id: str = Field(description="Id of this media session (one per user per Space)")
    worker_id: str = Field(description="Relay worker that serves the session")
    can_publish: bool = Field(
        description="The caller is on stage: their audio is mixed (while unmuted)"
    )


class MediaSessionClosedReply(BaseModel):
    space_id: str
    closed: bool


class ActiveSpeakers(BaseModel):
    space_id: str
    user_ids: list[str] = Field(default_factory=list, description="Speaking now, loudest first")


# -- routes ------------------------------------------------------------------------------------

ROUTES = Routes(CONTEXT)
NEGOTIATE = ROUTES.command(
    "negotiate",
    NegotiateMedia,
    MediaAnswer,
    problems=(
        "unauthenticated",  # 401: no actor
        "not-joined",  # 403: join the Space first (or be on its stage)
        "removed",  # 403: removed from this Space
        "space-not-live",  # 409: not started yet (only its host may connect) or ended
        "bad-offer",  # 422: not SDP, no audio, no Opus, no DTLS/ICE, unanswerable
        "no-media-workers",  # 503
        "service-unavailable",  # 503: room did not say whether the caller joined: try again
    ),
    description=(
        "Any worker answers (queue group); one that placement did not choose forwards the"
        " request unchanged to the chosen worker's own subject, media.worker.<id>.negotiate"
    ),
)
CLOSE_SESSION = ROUTES.command(
    "close_session", SpaceRef, MediaSessionClosedReply, problems=("unauthenticated",)
)
ACTIVE_SPEAKERS = ROUTES.query("active_speakers", SpaceRef, ActiveSpeakers)
