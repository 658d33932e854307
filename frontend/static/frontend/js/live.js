/* One live connection with the habits every page needs: a visible state ("live",
   "reconnecting"…), a heartbeat that keeps proxies from closing an idle socket, and reconnects
   with exponential backoff and jitter. Pages give it what to send on open and what to do with
   each message. */
(function () {
  "use strict";
  window.LaporLive = function (options) {
    var indicator = options.indicator;
    var attempts = 0;
    var everReady = false;
    var socket = null;
    var heartbeat = null;
    var stopped = false;

    function setState(state) {
      if (!indicator || !indicator.dataset[state]) return;
      indicator.hidden = false;
      indicator.className = "live-status " + state;
      indicator.textContent = indicator.dataset[state];
    }

    function connect() {
      if (stopped || socket) return;
      setState(everReady ? "reconnecting" : "connecting");
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      socket = new WebSocket(scheme + location.host + options.path);
      socket.onopen = function () { if (options.onOpen) options.onOpen(socket); };
      socket.onmessage = function (event) {
        var data = JSON.parse(event.data);
        if (data.type === "ready") {
          attempts = 0;
          everReady = true;
          setState("live");
          clearInterval(heartbeat);
          heartbeat = setInterval(function () {
            if (socket && socket.readyState === 1) socket.send('{"type":"ping"}');
          }, 25000);
        }
        options.onMessage(data);
      };
      socket.onclose = function (close) {
        clearInterval(heartbeat);
        socket = null;
        if (close.code === 4403) { stopped = true; return; }  // refused for good: do not retry
        attempts += 1;
        if (!everReady && options.onGiveUp && attempts === (options.giveUpAfter || 4)) options.onGiveUp();
        var delay = Math.min(30000, 1000 * Math.pow(2, attempts - 1));
        // Too many attempts (4429) or sockets (1013) from this client: the longest backoff.
        if (close.code === 4429 || close.code === 1013) delay = 30000;
        setTimeout(connect, delay / 2 + Math.random() * delay / 2);
        if (!options.quietState || !options.quietState()) setState("reconnecting");
      };
    }

    if (!window.WebSocket) {
      if (options.onGiveUp) options.onGiveUp();
      return { reconnectNow: function () {}, setState: setState };
    }
    connect();
    return {
      reconnectNow: function () { attempts = 0; connect(); },
      setState: setState
    };
  };
})();
