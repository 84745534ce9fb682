"""Media: WebRTC negotiation in front of the media relay."""

from parley.gateway.media.media_controller import MediaController

CONTROLLERS = [MediaController]
