/* Tracking page, live: a websocket pushes every new event; reconnects resume from the last
   seq (nothing lost, nothing shown twice); without websockets it polls the track API.
   The receipt stays in this page's memory and in POST bodies and socket messages only. */
(function () {
  "use strict";
  var form = document.getElementById("refresh-form");
  var timeline = document.getElementById("timeline");
  if (!form || !timeline) return;

  var receipt = form.elements.receipt.value;
  var labels = JSON.parse(document.getElementById("timeline-labels").textContent);
  var indicator = document.getElementById("live-status");
  var notice = document.getElementById("action-notice");
  var statusBadge = document.querySelector("[data-status]");
  var ACTION_STATUSES = { needs_info: true, resolved: true, closed: true, in_progress: true };
  var seen = {};
  var lastSeq = 0;
  var currentStatus = statusBadge ? statusBadge.className.replace(/.*status-(\S+).*/, "$1") : "";
  Array.prototype.forEach.call(timeline.querySelectorAll("[data-seq]"), function (item) {
    var seq = parseInt(item.dataset.seq, 10);
    seen[seq] = true;
    lastSeq = Math.max(lastSeq, seq);
  });

  var dateFormat = new Intl.DateTimeFormat(document.documentElement.lang === "en" ? "en-GB" : "id-ID", {
    timeZone: "Asia/Jakarta", day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", hour12: false
  });

  function render(event) {
    if (seen[event.seq]) return;  // a duplicate (replayed, or published twice)
    seen[event.seq] = true;
    lastSeq = Math.max(lastSeq, event.seq);
    var item = document.createElement("li");
    item.className = "event new kind-" + event.kind;
    item.dataset.seq = event.seq;
    var time = document.createElement("time");
    time.dateTime = event.at;
    time.textContent = dateFormat.format(new Date(event.at)).replace(":", ".") + " WIB";
    var title = document.createElement("p");
    title.className = "event-title";
    title.textContent = event.kind === "status" ? labels.status[event.status] : labels.kind[event.kind];
    item.appendChild(time);
    item.appendChild(title);
    if (event.text) {
      var text = document.createElement("p");
      text.className = "event-text";
      text.textContent = event.text;
      item.appendChild(text);
    }
    // Keep the timeline in seq order whatever order events arrive in.
    var after = null;
    Array.prototype.forEach.call(timeline.children, function (child) {
      if (!after && parseInt(child.dataset.seq, 10) > event.seq) after = child;
    });
    timeline.insertBefore(item, after);
    if (event.status !== currentStatus) {
      currentStatus = event.status;
      if (statusBadge) {
        statusBadge.textContent = labels.status[event.status];
        statusBadge.className = "status status-" + event.status;
      }
      if (ACTION_STATUSES[event.status]) notice.hidden = false;
    }
  }

  // --- Live: a websocket (backoff, heartbeat and state in live.js), polling if blocked ------------
  var pollTimer = null;

  function poll() {
    fetch(form.dataset.apiUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept-Language": document.documentElement.lang },
      body: JSON.stringify({ receipt: receipt }),
      credentials: "omit"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data) data.events.forEach(render);
    }).catch(function () {});
  }
  function startPolling() {
    if (pollTimer) return;
    live.setState("polling");
    poll();
    pollTimer = setInterval(poll, 30000);
  }

  var live = window.LaporLive({
    path: form.dataset.wsPath,
    indicator: indicator,
    onOpen: function (socket) {
      socket.send(JSON.stringify({ type: "auth", receipt: receipt, after: lastSeq }));
    },
    onMessage: function (data) {
      if (data.type === "ready") {
        clearInterval(pollTimer);
        pollTimer = null;
      } else if (data.type === "event") {
        render(data);
      }
    },
    onGiveUp: function () { setTimeout(startPolling, 0); },
    quietState: function () { return Boolean(pollTimer); }
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") live.reconnectNow();
  });
})();
