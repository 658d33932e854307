"""An HTTP request under ASGI crosses between the event loop and its thread a few times, not
once or twice per middleware (config/settings/base.py, ``MIDDLEWARE``).

Each crossing waits for a turn of the worker's event loop, which the same worker's websockets
share (2,000 sockets reconnecting at once make it a long wait), and a request holds its
database connection from its first query on. The crossings are counted where asgiref makes
them.
"""

import pytest
from asgiref import sync
from django.test import AsyncClient

pytestmark = pytest.mark.django_db(transaction=True)

# The request_started receivers, the whole middleware stack, CSRF's view hook, the view, the
# rendering of a template response (the API's), closing the response (request_finished's
# receivers): 5 or 6 (23 or 24 when the middleware ran async, a crossing per hook).
MOST_CROSSINGS = 6


@pytest.fixture
def crossings(monkeypatch):
    """How many times code crossed from the event loop into a thread, and back, so far."""
    counted = {"into_thread": 0, "into_loop": 0}
    into_thread, into_loop = sync.SyncToAsync.__call__, sync.AsyncToSync.__call__

    async def counted_into_thread(self, *args, **kwargs):
        counted["into_thread"] += 1
        return await into_thread(self, *args, **kwargs)

    def counted_into_loop(self, *args, **kwargs):
        counted["into_loop"] += 1
        return into_loop(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counted_into_thread)
    monkeypatch.setattr(sync.AsyncToSync, "__call__", counted_into_loop)
    return counted


@pytest.mark.parametrize(
    "path", ["/", "/api/v1/directory/opds/", "/api/v1/public/figures/", "/pantau/"]
)
async def test_a_request_crosses_between_loop_and_thread_a_few_times(path, directory, crossings):
    client = AsyncClient()
    await client.get(path)  # the middleware chain is built on the first request
    crossings.update(into_thread=0, into_loop=0)

    response = await client.get(path)

    assert response.status_code == 200
    assert 1 <= crossings["into_thread"] <= MOST_CROSSINGS, crossings
    # Back to the loop once: from the innermost middleware to Django's view dispatch.
    assert crossings["into_loop"] == 1, crossings


async def test_the_middleware_still_acts_under_asgi(directory):
    """Run in the request's thread, the middleware still does its work: Django's security
    headers, the page's language and the portal's own headers."""
    response = await AsyncClient().get("/")

    assert response.status_code == 200
    assert response["Content-Language"] == "id"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response
