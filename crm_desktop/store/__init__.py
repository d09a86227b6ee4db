"""The encrypted local store: engine, keys, migrations, change capture, search."""
