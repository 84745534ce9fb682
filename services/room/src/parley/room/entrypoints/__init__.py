"""How requests and events reach room: the commands and queries it answers on the bus, the
event reactions, the timer poller."""
