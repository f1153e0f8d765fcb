"""A compact progress display and log file (tqdm is not available on the training machine)."""
from __future__ import annotations

import sys
import time
from pathlib import Path


class Progress:
    """Prints one line per step to stdout (rewritten in place on a TTY) and appends it to a log file."""

    def __init__(self, log_path: Path | None = None, quiet: bool = False):
        self.start = time.time()
        self.tty = sys.stdout.isatty()
        self.quiet = quiet
        self.log = open(log_path, "a", buffering=1) if log_path else None

    def elapsed(self) -> str:
        s = int(time.time() - self.start)
        return f"{s // 3600:d}:{s % 3600 // 60:02d}:{s % 60:02d}"

    def step(self, text: str) -> None:
        """A transient line (epoch progress): overwritten on a TTY, always logged."""
        line = f"[{self.elapsed()}] {text}"
        if self.log:
            self.log.write(line + "\n")
        if not self.quiet:
            if self.tty:
                sys.stdout.write("\r" + line[:150].ljust(150))
            else:
                sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def note(self, text: str) -> None:
        """A permanent line (round summary, setup)."""
        line = f"[{self.elapsed()}] {text}"
        if self.log:
            self.log.write(line + "\n")
        if not self.quiet:
            sys.stdout.write(("\r" if self.tty else "") + line.ljust(150 if self.tty else 0) + "\n")
            sys.stdout.flush()

    def close(self) -> None:
        if self.log:
            self.log.close()
