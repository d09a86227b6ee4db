"""A small text progress bar for long commands (demo data, later import)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 30


class ProgressBar:
    """Draws ``label [#####-----]  45%  4,500/10,000  12s`` on a stream (stderr).

    On a terminal the line is redrawn in place; elsewhere (a log, a pipe) a
    line is written at every tenth, so logs stay readable.
    """

    def __init__(self, label: str, stream: TextIO | None = None):
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self._last_drawn: int | None = None  # permille on a terminal, tenth elsewhere
        self._open = False

    def update(self, done: int, total: int) -> None:
        """Show `done` of `total`; cheap to call often (draws only when the bar moves)."""
        fraction = 1.0 if total <= 0 else min(max(done / total, 0.0), 1.0)
        step = int(fraction * (1000 if self.interactive else 10))
        if step == self._last_drawn:
            return
        self._last_drawn = step
        line = self.render(done, total, fraction)
        if self.interactive:
            self.stream.write("\r" + line)
            self._open = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def render(self, done: int, total: int, fraction: float) -> str:
        filled = int(fraction * BAR_WIDTH)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        elapsed = time.monotonic() - self.started
        return f"{self.label} [{bar}] {fraction:4.0%}  {done:,}/{total:,}  {elapsed:.0f}s"

    def close(self) -> None:
        """End the in-place line, so what follows starts on its own line."""
        if self._open:
            self.stream.write("\n")
            self.stream.flush()
            self._open = False
