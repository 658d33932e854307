/* Dashboard: the "right now" counters move live (numbers only, from the dashboard channel). */
(function () {
  "use strict";
  var counters = document.querySelectorAll("[data-counter]");
  var indicator = document.getElementById("staff-live");
  if (!counters.length || !window.WebSocket) return;
  var attempts = 0;

  function setState(state) {
    indicator.hidden = false;
    indicator.className = "live-status " + state;
    indicator.textContent = indicator.dataset[state];
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
      } else if (data.type === "counters") {
        Array.prototype.forEach.call(counters, function (node) {
          var value = data[node.dataset.counter];
          if (typeof value === "number" && String(value) !== node.textContent) {
            node.textContent = value;
            node.classList.remove("changed");
            void node.offsetWidth;  // restart the highlight
            node.classList.add("changed");
          }
        });
      }
    };
    socket.onclose = function (close) {
      clearInterval(heartbeat);
      if (close.code === 4403) return;
      attempts += 1;
      setState("reconnecting");
      var delay = Math.min(30000, 1000 * Math.pow(2, attempts - 1));
      setTimeout(connect, delay / 2 + Math.random() * delay / 2);
    };
  }
  connect();
})();
