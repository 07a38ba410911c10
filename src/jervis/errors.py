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


class JervisWarning(UserWarning):
    """Something a user should know that does not stop the work (overlapping dyad sides)."""


def nearest(name: str, choices: object) -> str:
    """' (did you mean X?)' for the closest valid name, or '' when nothing is close."""
    import difflib

    options = [str(c) for c in choices]  # type: ignore[attr-defined]
    close = difflib.get_close_matches(str(name), options, n=1, cutoff=0.6)
    if not close:
        lowered = {o.casefold(): o for o in options}
        close = [lowered[str(name).casefold()]] if str(name).casefold() in lowered else []
    return f" (did you mean {close[0]!r}?)" if close else ""


def schema_error(exc: Exception, *, path: str | None, what: str, model: type | None = None) -> JervisError:
    """One line from a pydantic ValidationError: where in the file, what is wrong, the fix."""
    errors = exc.errors()  # type: ignore[attr-defined]
    first = errors[0]
    loc = [str(part) for part in first["loc"]]
    where = ""
    for part in first["loc"]:  # entries of arrays of tables are counted from 1, as people do
        where += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    where = where or "(top level)"
    kind = first["type"]
    if kind == "extra_forbidden":
        valid = _valid_keys(model, first["loc"][:-1]) if model else []
        message = f"unknown key {where!r}{nearest(loc[-1], valid)}"
        if valid:
            message += f"; valid here: {', '.join(valid)}"
    elif kind == "missing":
        message = f"{where} is required"
    else:
        given = first.get("input")
        shown = "a table" if isinstance(given, dict) else repr(given)[:60]
        message = f"{where}: {first['msg'].rstrip('.')} (got {shown})"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return JervisError(f"{what}: {message}", path=path)


def _valid_keys(model: type, loc: tuple) -> list[str]:
    """The field names of the (nested) model that ``loc`` points into."""
    import typing

    def models_in(annotation: object) -> list[type]:
        if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
            return [annotation]
        found: list[type] = []
        for arg in typing.get_args(annotation):
            found += models_in(arg)
        return found

    current: list[type] = [model]
    for part in loc:
        nxt: list[type] = []
        for m in current:
            field = m.model_fields.get(str(part)) if isinstance(part, str) else None  # type: ignore[attr-defined]
            if field is not None:
                nxt += models_in(field.annotation)
            else:
                nxt.append(m)  # a list index or a dict key: stay on this model
        current = nxt
        if not current:
            return []
    names: list[str] = []
    for m in current:
        for name, field in m.model_fields.items():  # type: ignore[attr-defined]
            names.append(field.alias or name)
    return names
