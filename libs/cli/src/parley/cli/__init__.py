"""The ``parley`` command: run the whole Parley stack on one machine (``parley up``)."""
