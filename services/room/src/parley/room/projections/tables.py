"""Every table of the room database, on its one ``metadata`` (the chassis' own included): what
the migrations create and the schema tests compare with.

Each projection owns its tables (a rebuild clears exactly those):

- ``room_identity``: ``room_users``, ``room_follows``, ``room_blocks`` (what room needs to know
  of identity);
- ``room_participants``: ``room_participants`` (one row per stay of a user in a Space),
  ``room_participants_stage`` (who is on each stage now: the audience is everyone present but
  them), ``room_presence`` (current and peak audience per Space), ``room_listener_history`` (the
  audience per 10-second bucket, for trending), ``room_open_spaces`` (who hosts each Space not
  ended);
- ``room_catalog``: ``room_catalog`` (one row per Space), ``room_catalog_topics``,
  ``room_catalog_stage`` (host, co-hosts, speakers now), ``room_space_speakers`` (everyone who
  was ever on stage, for analytics);
- ``room_notifications``: ``room_notifications`` (the inbox) and its own fold of who hosts and
  co-hosts each Space (``room_notify_spaces``, ``room_notify_cohosts``);
- ``room_reminders``: ``room_reminders`` (who set a reminder for which scheduled Space, from
  scheduling's stream);
- ``room_replay_plays``: ``room_replay_plays`` (counted plays of each Space's recording, from
  recording's stream); ``room_clips``: ``room_space_clips`` (each clip made of a Space, from
  clipping's stream): host analytics.

Not derived from events, so outside every projection (a rebuild keeps them):
``room_reaction_totals`` (written by the reaction aggregator) and ``room_notification_reads``
(each user's read mark).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

from parley.chassis.db import add_chassis_tables

metadata = MetaData()
add_chassis_tables(metadata)

ID = 100  # ids are opaque strings from events; contracts cap them at 100 characters


# -- room_identity ------------------------------------------------------------------------------

users = Table(
    "room_users",
    metadata,
    Column("user_id", String(ID), primary_key=True),
    Column("handle", String(40), nullable=False),
    Column("display_name", String(100), nullable=False),
    Column("suspended", Boolean, nullable=False, default=False),
)

follows = Table(
    "room_follows",
    metadata,
    Column("follower_id", String(ID), primary_key=True),
    Column("followee_id", String(ID), primary_key=True),
    Index("ix_room_follows_followee", "followee_id"),
)

blocks = Table(
    "room_blocks",
    metadata,
    Column("blocker_id", String(ID), primary_key=True),
    Column("blocked_id", String(ID), primary_key=True),
    Index("ix_room_blocks_blocked", "blocked_id"),
)

# -- room_participants --------------------------------------------------------------------------

participants = Table(
    "room_participants",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("user_id", String(ID), primary_key=True),
    # Stream sequence of the ListenerJoined that opened the stay: several stays per user.
    Column("joined_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("joined_at", DateTime(timezone=True), nullable=False),
    Column("left_at", DateTime(timezone=True), nullable=True),
    # Seconds since the epoch of joined_at: durations in plain SQL on SQLite and PostgreSQL.
    Column("joined_epoch", Float, nullable=False),
    Column("listened_s", Float, nullable=True),  # set when the stay closes
    Column("left_reason", String(20), nullable=True),
    # Only the open stays, in the order they opened: the audience list pages through it, and
    # a Space's open stays (its count, its end) are found by it.
    Index(
        "ix_room_participants_open",
        "space_id",
        "joined_seq",
        sqlite_where=text("left_at IS NULL"),
        postgresql_where=text("left_at IS NULL"),
    ),
)

participants_stage = Table(
    "room_participants_stage",
    metadata,
    # Who is on a Space's stage now (host, co-hosts, speakers), folded by room_participants
    # itself so that the audience it counts never waits for another read model.
    Column("space_id", String(ID), primary_key=True),
    Column("user_id", String(ID), primary_key=True),
)

presence = Table(
    "room_presence",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("listener_count", Integer, nullable=False),  # the audience: present, not on stage
    Column("peak_listeners", Integer, nullable=False),
    Column("ended", Boolean, nullable=False),
)

listener_history = Table(
    "room_listener_history",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("bucket_at", DateTime(timezone=True), primary_key=True),
    Column("listener_count", Integer, nullable=False),  # the count after the bucket's last change
)


open_spaces = Table(
    "room_open_spaces",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("host_id", String(ID), nullable=False),
    Index("ix_room_open_spaces_host", "host_id"),
)

# -- room_catalog -------------------------------------------------------------------------------

catalog = Table(
    "room_catalog",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("state", String(10), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("topics", JSON, nullable=False),
    # Lower-cased title and topics, searched with LIKE (same result on SQLite and PostgreSQL).
    Column("search_text", Text, nullable=False),
    Column("host_id", String(ID), nullable=False),
    Column("speaker_count", Integer, nullable=False),  # co-hosts and speakers on stage now
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("scheduled_start", DateTime(timezone=True), nullable=True),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Index("ix_room_catalog_state_started", "state", "started_at"),
    Index("ix_room_catalog_state_scheduled", "state", "scheduled_start"),
    Index("ix_room_catalog_host", "host_id"),
)

catalog_topics = Table(
    "room_catalog_topics",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("topic_key", String(200), primary_key=True),  # lower-cased topic
    Index("ix_room_catalog_topics_topic", "topic_key", "space_id"),
)

catalog_stage = Table(
    "room_catalog_stage",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("user_id", String(ID), primary_key=True),
    Column("role", String(10), nullable=False),  # host | cohost | speaker
    Index("ix_room_catalog_stage_user", "user_id", "space_id"),
)

space_speakers = Table(
    "room_space_speakers",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("user_id", String(ID), primary_key=True),
    Column("first_on_stage_at", DateTime(timezone=True), nullable=False),
)

# -- room_notifications -------------------------------------------------------------------------

notifications = Table(
    "room_notifications",
    metadata,
    # "ntf_" + the event id's hex + "_" + the recipient: the same event and recipient always
    # give the same row, on redelivery and on rebuild.
    Column("id", String(250), primary_key=True),
    Column("recipient_id", String(ID), nullable=False),
    Column("seq", BigInteger, nullable=False),  # stream sequence of the causing event
    Column("kind", String(30), nullable=False),
    Column("space_id", String(ID), nullable=True),
    Column("actor_id", String(ID), nullable=True),
    Column("data", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_room_notifications_recipient_seq", "recipient_id", "seq", "id"),
)

notify_spaces = Table(
    "room_notify_spaces",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("host_id", String(ID), nullable=False),
    Column("title", String(200), nullable=False),
)

notify_cohosts = Table(
    "room_notify_cohosts",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("user_id", String(ID), primary_key=True),
)

# -- room_reminders (from SCHEDULING) ---------------------------------------------------------

reminders = Table(
    "room_reminders",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("user_id", String(ID), primary_key=True),
)

# -- room_replay_plays (from RECORDING), room_clips (from CLIPPING) ----------------------------

replay_plays = Table(
    "room_replay_plays",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("plays", BigInteger, nullable=False),
)

space_clips = Table(
    "room_space_clips",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("clip_id", String(ID), primary_key=True),
)

# -- not derived from events -------------------------------------------------------------------

reaction_totals = Table(
    "room_reaction_totals",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("total", BigInteger, nullable=False),
)

notification_reads = Table(
    "room_notification_reads",
    metadata,
    Column("user_id", String(ID), primary_key=True),
    # Notifications at or below this stream sequence are read.
    Column("read_through_seq", BigInteger, nullable=False),
)
