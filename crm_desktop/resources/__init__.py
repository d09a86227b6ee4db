"""Icons (SVG) and translation sources (.ts) shipped inside the package.

They live in the package, not at the repository root, so that a source
checkout, an installed wheel and a frozen bundle all find them the same way.
No Qt here: the core may import this module.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """A file or folder under the resources folder, e.g. ``path("icons", "new.svg")``."""
    return ROOT.joinpath(*parts)
