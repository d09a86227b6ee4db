"""Where the server's database lives, and the limits it enforces on requests.

A small office runs ``crm-server serve`` with no settings at all: the database
is then an SQLite file in the user data directory. A larger one points
``--database-url`` (or ``CRM_SERVER_DATABASE_URL``) at PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_URL_ENV = "CRM_SERVER_DATABASE_URL"
SQLITE_FILE_NAME = "crm-server.sqlite3"

MAX_BODY_BYTES = 16 * 1024 * 1024
"""Largest request body accepted on the wire (compressed or not)."""

MAX_INFLATED_BYTES = 64 * 1024 * 1024
"""Largest body a gzip request may inflate to: the decompression-bomb guard."""

GZIP_MINIMUM_SIZE = 1000
"""Responses smaller than this are not worth compressing."""


def data_dir() -> Path:
    """The server's private data directory (created 0700: it holds password hashes)."""
    from platformdirs import user_data_path

    path = user_data_path("crm-server", appauthor=False)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / SQLITE_FILE_NAME}"


def resolve_database_url(url: str | None = None) -> str:
    """The URL given, else the environment's, else the embedded SQLite file."""
    chosen = url or os.environ.get(DATABASE_URL_ENV) or default_database_url()
    return normalise_url(chosen)


def normalise_url(url: str) -> str:
    """Point plain PostgreSQL URLs at psycopg 3 (SQLAlchemy would pick psycopg2)."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def safe_url(url: str) -> str:
    """The URL with any password masked, for printing and logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
