"""Sync: hybrid logical clock and (in the sync engine) merge, outbox, transport."""
