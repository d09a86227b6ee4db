"""Qt in these tests draws offscreen (icons rendered by installer/build.py)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
