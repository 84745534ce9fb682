"""What recording reaches besides its event store and database: the relay's durable program
feed (``feed.py``) and the recordings bucket of the JetStream object store (``objects.py``)."""
