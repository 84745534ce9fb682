"""Room's read models, each rebuildable from the IDENTITY or ROOM stream: identity facts
(``room_identity``), who is in which Space
(``room_participants``), the discovery catalog (``room_catalog``) and the notification inbox
(``room_notifications``). The tables of all of them are in ``tables.py``."""
