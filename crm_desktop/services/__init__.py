"""Use cases. Every create/update/delete goes through here (validation, change log)."""
