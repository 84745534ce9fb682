"""What clipping reaches besides its event store and database: the relay's durable program
feed (``feed.py``) and the object store's ``clips`` and ``recordings`` buckets
(``objects.py``)."""
