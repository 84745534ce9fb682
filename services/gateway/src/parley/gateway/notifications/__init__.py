"""Notifications: the caller's inbox, kept by the room service."""

from parley.gateway.notifications.notifications_controller import NotificationsController

CONTROLLERS = [NotificationsController]
