"""Concrete infrastructure identity talks to besides the event store: password hashing and the
private credential bucket."""
