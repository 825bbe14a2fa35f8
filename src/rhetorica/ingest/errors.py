"""One error type for every bad input, carrying where the problem is."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: says which file, which line (if known) and what is wrong, in one line."""

    def __init__(self, origin: str, message: str, line: int | None = None) -> None:
        self.origin = origin
        self.line = line
        self.message = message
        where = f"{origin}:{line}" if line is not None else origin
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type, tuple[str, str, int | None]]:
        # rebuilt from its parts when it crosses a process boundary (parallel reading)
        return (type(self), (self.origin, self.message, self.line))
