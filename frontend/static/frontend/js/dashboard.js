/* Dashboard: the "right now" counters move live (numbers only, from the dashboard channel). */
(function () {
  "use strict";
  var counters = document.querySelectorAll("[data-counter]");
  if (!counters.length || !window.LaporLive) return;

  window.LaporLive({
    path: "/ws/staff/",
    indicator: document.getElementById("staff-live"),
    onMessage: function (data) {
      if (data.type !== "counters") return;
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
  });
})();
