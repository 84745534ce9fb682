"""Room's reactions to other contexts' events, one module each (``when_<event>_<action>.py``),
each a chassis ``Policy`` subscribed by ``entrypoints/policy_consumers.py``."""
