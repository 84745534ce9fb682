"""How requests reach identity: the commands and queries it answers on the bus."""
