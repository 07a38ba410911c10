"""The one exception type for problems a user can cause (bad file, bad option, bad row).

The CLI turns it into a single line and a non-zero exit code; programming errors still raise.
"""

from __future__ import annotations


class JervisError(Exception):
    """A user-facing error: says which file/row is wrong and what to do about it."""

    def __init__(self, message: str, *, path: str | None = None, row: int | None = None):
        self.path = path
        self.row = row
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}"
            if self.row is not None:
                where += f", row {self.row}"
            where += ": "
        return f"{where}{self.message}"
