"""URL converters: ``<int:…>`` takes ids that fit the database's integer column (1 to 2³¹-1), so a
longer number in a URL is an unknown URL (404), not an integer the driver cannot bind (a 500)."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:batch_id>``: ASCII digits, 0 to ``MAX_ID`` (Werkzeug's own takes any length)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def install_converters(app) -> None:
    """Before any route is added: ``int`` is ``IdConverter`` for every blueprint."""
    app.url_map.converters["int"] = IdConverter
