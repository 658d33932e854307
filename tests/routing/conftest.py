"""Fixtures of the routing tests."""

import pytest

from routing.regions import current


@pytest.fixture
def forget_region():
    """The region record is cached per process: each test starts and ends without it."""
    current.region_forget()
    yield
    current.region_forget()
