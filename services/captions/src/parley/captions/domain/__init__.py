"""The captions domain, pure (no I/O): a speaker's feed cut into utterances, and the rules of a
speaker's transcript (its decider)."""
