"""The room deciders: pure rules over one Space and over one user's membership, no I/O."""
