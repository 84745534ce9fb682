"""How messages reach identity: the routes it answers (``routes``) and its reactions to other
contexts' events (``reactions``), as FastStream subscribers."""
