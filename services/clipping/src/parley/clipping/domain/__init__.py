"""Clipping's pure parts: the clip decider (``clip.py``), its rejections (``errors.py``) and
the window arithmetic that picks a clip's packets (``window.py``)."""
