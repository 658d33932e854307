/* Staff pages, live: the inbox (and an open complaint) learn of changes through /ws/staff/,
   authenticated by the session and scoped like the staff API. Messages carry no text; the page
   offers to reload to show what changed. */
(function () {
  "use strict";
  var news = document.getElementById("inbox-news");
  if (!news || !window.LaporLive) return;
  var only = news.dataset.reference || null;  // a detail page cares about one complaint
  var count = 0;

  window.LaporLive({
    path: "/ws/staff/",
    indicator: document.getElementById("staff-live"),
    onMessage: function (message) {
      if (message.type !== "complaint" || (only && message.reference !== only)) return;
      count += 1;
      news.hidden = false;
      news.querySelector("span").textContent = only ? news.dataset.text : news.dataset.text.replace("%(count)s", count);
      var row = document.querySelector('[data-reference="' + message.reference + '"]');
      if (row) row.classList.add("updated");
    }
  });
})();
