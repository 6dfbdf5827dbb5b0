"""File answers: the ``Content-Disposition`` header, built in one place."""

from __future__ import annotations


def disposition(filename: str, attachment: bool = False) -> str:
    """``inline`` (shown in the browser) or ``attachment`` (saved), with the file's name."""
    return f'{"attachment" if attachment else "inline"}; filename="{filename}"'
