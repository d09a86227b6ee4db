"""Who "I" am on this device, until the HQ server's accounts take over."""

from __future__ import annotations

import getpass
import os

USER_ENV = "CRM_USER"


def current_user() -> str:
    """The owner given to records created here (``CRM_USER`` or the OS login)."""
    name = os.environ.get(USER_ENV)
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still a usable owner
        return "me"
