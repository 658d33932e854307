/* Tracking page, live: a websocket pushes every new event; reconnects resume from the last
   seq (nothing lost, nothing shown twice); without websockets it polls the track API.
   After events that change what the reporter may do, the socket sends a "state": which forms
   the complaint takes now and the case box (status, office, deadline) rendered by the server
   (frontend/tracking.py). A form the complaint does not take yet waits in a <template>; it is
   brought in once and from then on only hidden or shown, so what the reporter typed stays. (Withdrawing is the
   page's own POST, answered with a new page: that form and its notice are the server's alone.) The receipt stays in this page's memory and in POST bodies
   and socket messages only. */
(function () {
  "use strict";
  var form = document.getElementById("refresh-form");
  var timeline = document.getElementById("timeline");
  if (!form || !timeline) return;

  var receipt = form.elements.receipt.value;
  var labels = JSON.parse(document.getElementById("timeline-labels").textContent);
  var indicator = document.getElementById("live-status");
  var notice = document.getElementById("action-notice");
  var caseBox = document.getElementById("case-box");
  var state = JSON.parse(document.getElementById("track-state").textContent);
  var seen = {};
  var lastSeq = 0;
  var currentStatus = state.status;
  var shownCase = null;
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
      // The case box is the server's to redraw (a "state" follows); until then the badge says it.
      var badge = caseBox.querySelector("[data-status]");
      if (badge) {
        badge.textContent = labels.status[event.status];
        badge.className = "status status-" + event.status;
      }
    }
  }

  // --- What the reporter may do now: show and hide the page's forms -----------------------------
  // A form card: in the page already, or brought in from its <template> when it is to be shown.
  function card(name, wanted) {
    var element = document.getElementById(name + "-card");
    var template = document.querySelector('template[data-card="' + name + '"]');
    if (!element && wanted && template) {
      template.parentNode.insertBefore(template.content.cloneNode(true), template);
      element = document.getElementById(name + "-card");
    }
    return element;
  }

  function show(name, visible) {
    var element = card(name, visible);
    if (element) element.hidden = !visible;
    return element;
  }

  function tell(how) {
    Array.prototype.forEach.call(notice.querySelectorAll("[data-when]"), function (part) {
      part.hidden = part.dataset.when !== how;
    });
    notice.hidden = false;
  }

  function applyState(next, how) {
    var before = state;
    state = next;
    show("decide", next.can_decide);
    show("photos", next.can_reply);
    show("withdraw", next.can_withdraw);
    var reply = show("reply", next.can_reply);
    if (reply) {
      reply.classList.toggle("asked", next.asked);
      reply.querySelector("[data-asked]").hidden = !next.asked;
      reply.querySelector("[data-not-asked]").hidden = next.asked;
    }
    if (typeof next.case === "string" && next.case !== shownCase) {
      shownCase = next.case;
      caseBox.innerHTML = next.case;  // the server's own partial: no form, nothing typed in it
    }
    var opened = (next.can_decide && !before.can_decide) || (next.asked && !before.asked) ||
      (next.can_reply && !before.can_reply);
    if (how === "polling" && next.status !== before.status) {
      tell("polling");  // the track API has no case box: the new deadline needs a refresh
    } else if (opened) {
      document.getElementById("action-jump").hash = next.can_decide ? "decide-card" : "reply-card";
      tell("live");
    }
  }

  // The track API's answer as a state (polling, when websockets are blocked).
  function stateOf(data) {
    return {
      status: data.status,
      can_reply: data.can_reply,
      asked: data.status === "needs_info",
      can_decide: data.can_rate,
      can_withdraw: !data.withdrawn,
      withdrawn: data.withdrawn
    };
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
      if (!data) return;
      data.events.forEach(render);
      applyState(stateOf(data), "polling");
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
      socket.send(JSON.stringify({
        type: "auth", receipt: receipt, after: lastSeq, state: true, lang: document.documentElement.lang
      }));
    },
    onMessage: function (data) {
      if (data.type === "ready") {
        clearInterval(pollTimer);
        pollTimer = null;
      } else if (data.type === "event") {
        render(data);
      } else if (data.type === "state") {
        applyState(data, "live");
      }
    },
    onGiveUp: function () { setTimeout(startPolling, 0); },
    quietState: function () { return Boolean(pollTimer); }
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") live.reconnectNow();
  });
})();
