/* Staff pages, live: the inbox (and an open complaint) learn of changes through /ws/staff/,
   authenticated by the session and scoped like the staff API. Messages carry no text; the page
   offers to reload to show what changed. */
(function () {
  "use strict";
  var news = document.getElementById("inbox-news");
  var indicator = document.getElementById("staff-live");
  if (!news || !window.WebSocket) return;
  var only = news.dataset.reference || null;  // a detail page cares about one complaint
  var count = 0;
  var attempts = 0;

  function setState(state) {
    indicator.hidden = false;
    indicator.className = "live-status " + state;
    indicator.textContent = indicator.dataset[state];
  }

  function onComplaint(message) {
    if (only && message.reference !== only) return;
    count += 1;
    news.hidden = false;
    news.querySelector("span").textContent = only ? news.dataset.text : news.dataset.text.replace("%(count)s", count);
    var row = document.querySelector('[data-reference="' + message.reference + '"]');
    if (row) row.classList.add("updated");
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/staff/");
    var heartbeat = null;
    socket.onmessage = function (event) {
      var data = JSON.parse(event.data);
      if (data.type === "ready") {
        attempts = 0;
        setState("live");
        heartbeat = setInterval(function () { socket.send('{"type":"ping"}'); }, 25000);
      } else if (data.type === "complaint") {
        onComplaint(data);
      }
    };
    socket.onclose = function (close) {
      clearInterval(heartbeat);
      if (close.code === 4403) return;  // not signed in any more
      attempts += 1;
      setState("reconnecting");
      var delay = Math.min(30000, 1000 * Math.pow(2, attempts - 1));
      setTimeout(connect, delay / 2 + Math.random() * delay / 2);
    };
  }
  connect();
})();
