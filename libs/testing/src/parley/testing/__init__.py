"""What every Parley package's tests share.

- ``parley.testing.plugin`` (the ``parley`` pytest plugin): a real nats-server (per session, or
  ``private_nats`` per test), SQLite and PostgreSQL databases; NATS and PostgreSQL come from an
  environment URL, else a container when Docker answers, else the local binary or server, else
  the test is skipped (``parley.testing.sources`` decides, ``parley.testing.servers`` starts);
- ``parley.testing.processes``: a service as its own process (``ServiceProcess``,
  ``service_process``), ready by its health request, stopped by SIGTERM;
- ``parley.testing.routes``: the subjects a service's FastStream routers serve
  (``served_subjects``, ``route_subjects``), for "serves exactly its declared routes";
- ``parley.testing.counter``: a tiny counter domain exercising the chassis generically.
"""
