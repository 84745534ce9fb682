"""Request parameters and bodies of the accounts API (the public contract, in the OpenAPI file).

They only fix shapes; the rules (handle syntax, password length...) are identity's, which
answers a 422 naming the rule. Responses are identity's views from ``parley.contracts``.
"""

from __future__ import annotations

from typing import Annotated, TypeAlias

from litestar.params import PathParameter, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

Handle: TypeAlias = Annotated[
    str, PathParameter(max_length=200, description="The user's handle (case-insensitive)")
]
PageSize: TypeAlias = Annotated[int, QueryParameter(ge=1, le=200, description="Page size")]
Cursor: TypeAlias = Annotated[
    str | None, QueryParameter(max_length=200, description="next_cursor of the previous page")
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterBody(_Body):
    handle: str = Field(
        max_length=200,
        description="3-15 characters [A-Za-z0-9_], unique case-insensitively",
        examples=["ada_l"],
    )
    display_name: str = Field(max_length=500, description="1-50 characters", examples=["Ada"])
    password: str = Field(max_length=1000, description="At least 8 characters")


class LoginBody(_Body):
    handle: str = Field(max_length=200, examples=["ada_l"])
    password: str = Field(max_length=1000)


class UpdateMeBody(_Body):
    display_name: str | None = Field(
        default=None, max_length=500, description="New display name; absent: unchanged"
    )
    bio: str | None = Field(default=None, max_length=2000, description="New bio; absent: unchanged")


class ModerationBody(_Body):
    reason: str = Field(default="", max_length=1000, description="Why, for the audit trail")
