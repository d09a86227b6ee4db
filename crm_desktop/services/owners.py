"""Who "I" am on this device: the HQ account signed in, else a local name."""

from __future__ import annotations

import getpass
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm_desktop.store.replica import ReplicaState

USER_ENV = "CRM_USER"


def current_user(replica: ReplicaState | None = None) -> str:
    """The owner given to records created here.

    The signed-in HQ account's name when there is one (the server accepts
    records owned by their author), else ``CRM_USER``, else the OS login.
    """
    if replica is not None and replica.user:
        return replica.user
    name = os.environ.get(USER_ENV)
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still a usable owner
        return "me"
