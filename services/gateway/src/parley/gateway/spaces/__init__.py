"""Spaces: HTTP in front of the room service (lifecycle, audience, stage, interaction)."""

from parley.gateway.spaces.audience_controller import AudienceController
from parley.gateway.spaces.interaction_controller import InteractionController
from parley.gateway.spaces.spaces_controller import SpacesController
from parley.gateway.spaces.stage_controller import StageController

CONTROLLERS = [SpacesController, AudienceController, StageController, InteractionController]
