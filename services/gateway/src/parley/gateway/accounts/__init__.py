"""Accounts and the social graph: HTTP in front of the identity service."""

from parley.gateway.accounts.auth_controller import AuthController
from parley.gateway.accounts.me_controller import MeController
from parley.gateway.accounts.moderation_controller import ModerationController
from parley.gateway.accounts.users_controller import UsersController

CONTROLLERS = [AuthController, MeController, UsersController, ModerationController]
