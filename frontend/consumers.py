"""Websocket consumers: live status for the reporter, live inboxes and counters for staff.

Consumers only route: authenticate, join groups, send the current state, forward events. They
read through selectors and never write. The reporter's consumer joins its complaint's group
*before* replaying the events after the client's last ``seq``, so nothing committed in between
is lost; it then forwards live events in order, filling any gap from the database, so the
browser sees every public event exactly once and in order (it also drops duplicates itself).
A client that asks for it (``"state": true`` in its auth message) also gets a ``state`` message
after the replay and after every event that changed what the reporter may do or is shown
(``frontend.tracking``), so the tracking page turns live without a reload.

Abuse: every socket holds one of its client's slots (``complaints.socketcaps``) from accept to
its end, or is closed with 1013 when the client holds the cap; each receipt attempt counts
against the client's "track" limit, like ``POST track/``, and over it the socket is closed with
4429 before the receipt is looked up. (The Origin is checked before any consumer runs, in
``config.origins``.)
"""

import asyncio
import contextlib
import json
import logging

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from redis.exceptions import RedisError

from complaints import events, socketcaps
from complaints.access import (
    STAFF_DASHBOARD,
    complaint_group,
    events_for_reporter,
    staff_channel_groups,
)
from complaints.counters import complaint_counters
from complaints.inputs import json_loads_strict
from complaints.ratelimits import limit_wait
from complaints.selectors import complaint_get_by_receipt
from config.metrics import OpenSocketsCounted
from frontend import tracking

logger = logging.getLogger(__name__)

CLOSE_BAD_MESSAGE = 4400
CLOSE_WRONG_RECEIPT = 4403
CLOSE_AUTH_TIMEOUT = 4408
CLOSE_RECONNECT = 4000  # "please reconnect": the socket reached its maximum age
CLOSE_TOO_BIG = 1009
CLOSE_SERVICE_RESTART = 1012  # the channel layer is unreachable: retry later
CLOSE_TOO_MANY_SOCKETS = 1013  # "try again later": the client holds its cap of open sockets
CLOSE_TOO_MANY_ATTEMPTS = 4429  # the client's "track" limit is spent: retry after the window
MAX_MESSAGE_BYTES = 1024
# Above any event's seq (a PositiveIntegerField); a larger "after" would overflow the query.
MAX_SEQ = 2**31 - 1
# How the Redis channel layer fails when Redis is stopped, restarting or unreachable.
LAYER_ERRORS = (RedisError,)


# The cache is not the database: its calls need no database connection handling, and running
# them off the one thread-sensitive executor keeps a flood of sockets from queueing page
# requests' database work behind them.
def _cache_call(function):
    return sync_to_async(function, thread_sensitive=False)


class LayerFailureCloses:
    """When the channel layer fails under a socket, close it with 1012 so the client reconnects
    (and resumes by seq) instead of an abnormal close and a traceback per socket. Channels
    listens on the layer from the moment a socket opens, so this also covers a layer that is
    already down at connect (and the cache on the same Redis, for the slots and limits). The
    watchdog task and the client's slot go with the socket, however it ends."""

    slot: str | None = None

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except LAYER_ERRORS as error:
            name = type(error).__name__
            logger.warning("Channel layer unreachable (%s); socket closed with 1012", name)
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": CLOSE_SERVICE_RESTART})
        finally:
            watchdog = getattr(self, "watchdog", None)
            if watchdog is not None:
                watchdog.cancel()
            await self._slot_release()

    async def _slot_take(self, key: str) -> bool:
        """Hold one of the client's socket slots; False (and the socket closed) when the client
        already holds its cap (1013) or the cache is unreachable (1012)."""
        try:
            taken = await _cache_call(socketcaps.slot_take)(key)
        except LAYER_ERRORS:
            await self._close_cache_unreachable()
            return False
        if not taken:
            await self.close(code=CLOSE_TOO_MANY_SOCKETS)
            return False
        self.slot = key
        return True

    async def _close_cache_unreachable(self):
        # Closed here rather than by raising to __call__: the close then does not wait for
        # channels to cancel the socket's pending read on the layer.
        logger.warning("Cache unreachable; socket closed with 1012")
        await self.close(code=CLOSE_SERVICE_RESTART)

    async def _slot_release(self):
        slot, self.slot = self.slot, None
        if slot is not None:
            with contextlib.suppress(Exception):  # unreachable cache: the lease expires instead
                await _cache_call(socketcaps.slot_release)(slot)

    async def _hold(self, seconds: float):
        """Sleep ``seconds`` while refreshing the slot's lease, so a live socket's count never
        expires (only a dead worker's does)."""
        loop = asyncio.get_running_loop()
        until = loop.time() + seconds
        while (left := until - loop.time()) > 0:
            await asyncio.sleep(min(left, socketcaps.REFRESH_SECONDS))
            if self.slot is not None:
                with contextlib.suppress(Exception):  # the next refresh tries again
                    await _cache_call(socketcaps.slot_refresh)(self.slot)


class ReporterConsumer(OpenSocketsCounted, LayerFailureCloses, AsyncWebsocketConsumer):
    """``/ws/track/``: ``{"type": "auth", "receipt", "after"}`` first, then events
    (docs/interface.md "Websocket")."""

    group: str | None = None
    last_seq = 0
    # Set by the auth message: whether to send ``state`` messages, and in which language.
    wants_state = False
    language: str | None = None
    last_state: dict | None = None

    async def connect(self):
        self.complaint = None
        # Accepted first, so that a refusal reaches the client with its close code.
        await self.accept()
        address = socketcaps.scope_address(self.scope)
        if not await self._slot_take(socketcaps.client_slot_key(address)):
            return
        self.watchdog = asyncio.create_task(self._close_when_due())

    async def _close_when_due(self):
        """No auth within the deadline: close. Authenticated: close at the maximum age, so a
        socket never outlives its group membership in the channel layer (group_expiry)."""
        await asyncio.sleep(settings.PORTAL_WS_AUTH_TIMEOUT)
        if self.group is None:
            await self.close(code=CLOSE_AUTH_TIMEOUT)
            return
        await self._hold(max(0, settings.PORTAL_WS_MAX_AGE - settings.PORTAL_WS_AUTH_TIMEOUT))
        await self.close(code=CLOSE_RECONNECT)

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None or text_data is None or _too_big(text_data):
            await self.close(code=CLOSE_TOO_BIG)
            return
        message = _parse(text_data)
        if message is None:
            await self.close(code=CLOSE_BAD_MESSAGE)
            return
        if message.get("type") == "ping":
            if self.complaint is not None:
                # The heartbeat doubles as catch-up: a live push the layer dropped (over
                # capacity, a Redis hiccup) reaches the page within one ping.
                if await self._send_missing(up_to=None):
                    await self._send_state()
            await self.send(text_data=json.dumps({"type": "pong"}))
            return
        if self.group is not None or message.get("type") != "auth":
            await self.close(code=CLOSE_BAD_MESSAGE)
            return
        # Every attempt counts, right or wrong, as on POST track/: a socket is no way around
        # the limit on guessing receipts. Over it, the receipt is not even looked up.
        address = socketcaps.scope_address(self.scope)
        try:
            wait = await _cache_call(limit_wait)("track", address)
        except LAYER_ERRORS:
            await self._close_cache_unreachable()
            return
        if wait is not None:
            await self.close(code=CLOSE_TOO_MANY_ATTEMPTS)
            return
        receipt, after = message.get("receipt"), message.get("after", 0)
        if not isinstance(receipt, str) or not isinstance(after, int) or not 0 <= after <= MAX_SEQ:
            await self.close(code=CLOSE_BAD_MESSAGE)
            return
        wants_state, language = message.get("state", False), message.get("lang")
        if not isinstance(wants_state, bool) or not isinstance(language, str | None):
            await self.close(code=CLOSE_BAD_MESSAGE)
            return
        self.wants_state, self.language = wants_state, language
        complaint = await database_sync_to_async(complaint_get_by_receipt)(receipt=receipt)
        if complaint is None:
            await self.close(code=CLOSE_WRONG_RECEIPT)
            return
        await self._start(complaint, after)

    async def _start(self, complaint, after: int):
        group = complaint_group(complaint.pk)
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except Exception:
            logger.warning("Channel layer unreachable at connect; the client will retry")
            await self.close(code=CLOSE_SERVICE_RESTART)
            return
        self.group, self.complaint, self.last_seq = group, complaint, after
        await self.send(text_data=json.dumps({"type": "ready", "reference": complaint.reference}))
        await self._send_missing(up_to=None)
        # Always once after the replay: the page may be older than its last event.
        await self._send_state()

    async def _send_missing(self, *, up_to: int | None) -> int:
        """Send the public events after ``last_seq`` (up to ``up_to``) from the database; how
        many went out."""
        missing = await database_sync_to_async(_events_after)(self.complaint, self.last_seq, up_to)
        sent = 0
        for payload in missing:
            sent += await self._send_event(payload)
        return sent

    async def _send_event(self, payload: dict) -> bool:
        if payload["seq"] <= self.last_seq:
            return False  # already sent (replayed, or published twice by the outbox)
        self.last_seq = payload["seq"]
        await self.send(text_data=json.dumps(payload))
        return True

    async def _send_state(self):
        """The reporter's actions and case box now, if the client asked for them and they
        changed since the last ``state`` sent (an ordinary message changes nothing)."""
        if not self.wants_state:
            return
        state = await database_sync_to_async(tracking.state_message)(
            self.complaint.pk, self.language
        )
        if state != self.last_state:
            self.last_state = state
            await self.send(text_data=json.dumps(state))

    async def complaint_event(self, message):
        """A live event from ``complaints.events``; a gap before it is filled from the database."""
        if self.complaint is None:
            return
        payload = message["event"]
        sent = 0
        if payload["seq"] > self.last_seq + 1:
            sent = await self._send_missing(up_to=payload["seq"] - 1)
        if await self._send_event(payload) or sent:
            await self._send_state()

    async def disconnect(self, code):
        watchdog = getattr(self, "watchdog", None)
        if watchdog is not None:
            watchdog.cancel()
        if self.group is not None:
            try:
                await self.channel_layer.group_discard(self.group, self.channel_name)
            except Exception:
                pass  # an unreachable layer forgets the membership by itself (group_expiry)


def _events_after(complaint, after: int, up_to: int | None) -> list[dict]:
    rows = events_for_reporter(complaint, after=after)
    if up_to is not None:
        rows = rows.filter(seq__lte=up_to)
    return [events.event_payload(row) for row in rows]


def _too_big(text: str) -> bool:
    # The limit is on the frame's UTF-8 bytes, not its characters (one may take four bytes).
    return len(text) > MAX_MESSAGE_BYTES or len(text.encode()) > MAX_MESSAGE_BYTES


def _parse(text: str) -> dict | None:
    try:
        # Not json.loads: 1 KiB of "[" overflows its recursive decoder (RecursionError, not a
        # ValueError); this one bounds nesting and numbers ("after": 10**500 reached the DB).
        message = json_loads_strict(text)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


class StaffConsumer(OpenSocketsCounted, LayerFailureCloses, AsyncWebsocketConsumer):
    """``/ws/staff/``: an inbox that moves by itself. Authenticated by the Django session and
    scoped by ``complaints.access``, the same module that scopes the staff API and pages."""

    groups_joined: list[str] = []
    socket_kind = "staff"

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_WRONG_RECEIPT)
            return
        groups = await database_sync_to_async(staff_channel_groups)(user)
        if not groups:
            await self.close(code=CLOSE_WRONG_RECEIPT)
            return
        # Accepted before the slot and the groups, so that 1013 or 1012 reaches the client.
        await self.accept()
        if not await self._slot_take(socketcaps.staff_slot_key(user.pk)):
            return
        try:
            for group in groups:
                await self.channel_layer.group_add(group, self.channel_name)
                self.groups_joined = [*self.groups_joined, group]
        except Exception:
            await self.close(code=CLOSE_SERVICE_RESTART)
            return
        await self.send(text_data=json.dumps({"type": "ready", "groups": len(groups)}))
        if STAFF_DASHBOARD in groups:
            counters = await database_sync_to_async(complaint_counters)()
            await self.send(text_data=json.dumps({"type": "counters", **counters}))
        self.watchdog = asyncio.create_task(self._close_at_max_age())

    async def _close_at_max_age(self):
        await self._hold(settings.PORTAL_WS_MAX_AGE)
        await self.close(code=CLOSE_RECONNECT)

    async def receive(self, text_data=None, bytes_data=None):
        if text_data and not _too_big(text_data) and _parse(text_data) == {"type": "ping"}:
            await self.send(text_data=json.dumps({"type": "pong"}))
            return
        await self.close(code=CLOSE_BAD_MESSAGE)

    async def staff_complaint(self, message):
        await self.send(text_data=json.dumps({"type": "complaint", **message["complaint"]}))

    async def staff_counters(self, message):
        await self.send(text_data=json.dumps({"type": "counters", **message["counters"]}))

    async def disconnect(self, code):
        watchdog = getattr(self, "watchdog", None)
        if watchdog is not None:
            watchdog.cancel()
        for group in self.groups_joined:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                pass
