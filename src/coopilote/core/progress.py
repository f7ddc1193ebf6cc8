"""A progress bar for long commands, in the terminal (or plain lines when output is a file)."""

from __future__ import annotations

import sys
import time
from typing import Any


class Progress:
    def __init__(self, total: int, label: str, stream: Any = None) -> None:
        self.total = max(total, 0)
        self.label = label
        self.done = 0
        self.stream = stream or sys.stderr
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self._last_line = -1

    def advance(self, steps: int = 1, detail: str = "") -> None:
        self.done = min(self.done + steps, self.total)
        percent = 100 if self.total == 0 else self.done * 100 // self.total
        if self.interactive:
            filled = percent * 30 // 100
            bar = "█" * filled + "·" * (30 - filled)
            text = f"\r{self.label} [{bar}] {percent:3d}% {self.done}/{self.total} {detail}"
            self.stream.write(text.ljust(100)[:120])
            self.stream.flush()
        elif percent // 10 != self._last_line or self.done == self.total:
            # One line per tenth, so logs stay short.
            self._last_line = percent // 10
            self.stream.write(f"{self.label}: {percent}% ({self.done}/{self.total}) {detail}\n")

    def finish(self) -> float:
        elapsed = time.monotonic() - self.started
        if self.interactive:
            self.stream.write("\n")
        self.stream.flush()
        return elapsed
