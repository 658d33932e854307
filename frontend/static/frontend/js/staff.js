/* Staff pages, live: the inbox (and an open complaint) learn of changes through /ws/staff/,
   authenticated by the session and scoped like the staff API. Messages carry no text; the page
   offers to reload to show what changed. */
(function () {
  "use strict";
  var news = document.getElementById("inbox-news");
  if (!news || !window.LaporLive) return;
  var only = news.dataset.reference || null;  // a detail page cares about one complaint
  var changed = {};  // references that changed: one complaint counts once, whatever its events

  window.LaporLive({
    path: "/ws/staff/",
    indicator: document.getElementById("staff-live"),
    onMessage: function (message) {
      if (message.type !== "complaint" || (only && message.reference !== only)) return;
      changed[message.reference] = true;
      news.hidden = false;
      news.querySelector("span").textContent = only
        ? news.dataset.text
        : news.dataset.text.replace("%(count)s", Object.keys(changed).length);
      var row = document.querySelector('[data-reference="' + message.reference + '"]');
      if (row) row.classList.add("updated");
    }
  });
})();
