"""Media: WebRTC negotiation in front of the media relay."""
