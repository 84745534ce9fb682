"""The write side's own read models (rebuildable from the IDENTITY and ROOM streams) and the
reads over them: identity facts the rules need, host-grace timers, who is in which Space."""
