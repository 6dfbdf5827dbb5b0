"""Fixtures of the API tests (the app, clients and factories come from tests/conftest.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select


@pytest.fixture
def count(session):
    """``count(Model, *where)``: rows in the database now, as committed by the requests so far."""

    def rows(model, *where) -> int:
        session.commit()  # end any earlier read transaction: its snapshot may predate the request
        n = session.scalar(select(func.count()).select_from(model).where(*where))
        session.commit()
        return n

    return rows
