"""Every table of the room database on its one ``metadata``: the write side's, and the read
side's when it is installed. Migrations and schema checks start here."""

from __future__ import annotations

import importlib
import importlib.util

from sqlalchemy import MetaData

from parley.room.metadata import metadata
from parley.room.projections import tables as _write_side_tables  # noqa: F401 (declares them)

READ_SIDE_TABLES = "parley.room.read_side.tables"


def is_installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # its parent package is missing
        return False


def load_all_tables() -> MetaData:
    if is_installed(READ_SIDE_TABLES):
        importlib.import_module(READ_SIDE_TABLES)
    return metadata
