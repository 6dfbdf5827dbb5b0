"""Fixtures shared by fleet's tests: a school and its IT staff member, signed in to the API."""

from __future__ import annotations

import pytest

from tests.factories import SchoolFactory


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def it(api_as, school):
    """The API client of the school's IT staff member (``school_it`` of ``school``)."""
    return api_as("school_it", school=school)
