"""Clipping's policies, each a durable JetStream subscriber with explicit acks."""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.chassis.dead_letters import DeadLetters
from parley.chassis.policies import subscribe_policy
from parley.clipping.handlers.dependencies import ClippingDeps
from parley.clipping.policies.when_caption_segment_finalized_attach_it_to_clips import (
    attach_to_clips_when_caption_segment_finalized,
)
from parley.clipping.policies.when_clip_ready_attach_its_transcript import (
    attach_transcript_when_clip_ready,
)
from parley.clipping.policies.when_clip_requested_cut_clip import cut_clip_when_clip_requested
from parley.clipping.policies.when_recording_deleted_delete_clips import (
    delete_clips_when_recording_deleted,
)


def reactions(deps: ClippingDeps, *, dead_letters: DeadLetters) -> NatsRouter:
    router = NatsRouter()
    subscribe_policy(router, cut_clip_when_clip_requested(deps), dead_letters=dead_letters)
    subscribe_policy(router, delete_clips_when_recording_deleted(deps), dead_letters=dead_letters)
    subscribe_policy(router, attach_transcript_when_clip_ready(deps), dead_letters=dead_letters)
    subscribe_policy(
        router, attach_to_clips_when_caption_segment_finalized(deps), dead_letters=dead_letters
    )
    return router
