"""Strict parsing on the reporter's websocket (issue 12 finding 4, replayed through the socket).

A first message of 1 KiB of "[" overflowed the recursive JSON decoder of ``/ws/track/``
(``RecursionError``, not a protocol error); now it is closed 4400 like any malformed message.
An ``after`` too large for the database is refused the same way.
"""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from tests.factories import complaint_parkir

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
WAIT = 5


async def close_code_after(text: str) -> int:
    communicator = WebsocketCommunicator(application, "/ws/track/", headers=HEADERS)
    connected, _code = await communicator.connect(timeout=WAIT)
    assert connected
    try:
        await communicator.send_to(text_data=text)
        output = await communicator.receive_output(timeout=WAIT)
        assert output["type"] == "websocket.close", output
        return output.get("code", 1000)
    finally:
        await communicator.disconnect()


@pytest.mark.parametrize(
    "text", ["[" * 1000, '{"type": "auth", "x": ' + "[" * 900 + "]" * 20, '{"a":' * 200]
)
async def test_deeply_nested_json_is_closed_4400(text):
    assert len(text.encode()) <= 1024
    assert await close_code_after(text) == 4400


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize("after", ["1" + "0" * 30, "1" + "0" * 100, "1e400", "NaN"])
async def test_an_after_out_of_bounds_is_closed_4400(after):
    _complaint, receipt = await database_sync_to_async(complaint_parkir)()
    text = f'{{"type": "auth", "receipt": "{receipt}", "after": {after}}}'
    assert await close_code_after(text) == 4400
