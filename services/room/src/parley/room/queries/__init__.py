"""Read helpers over room's read models, for the handlers, policies and live publishers."""
