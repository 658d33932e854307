/* The standards table filters as the visitor types. Without this script the same search runs on
   the server (?q=, frontend/standards.py): a row matches when every word typed begins a word of
   its data-search text, lower case and without accents on both sides. */
(function () {
  "use strict";
  var form = document.getElementById("standards-search");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-search]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("tbody[data-group]"));
  var count = document.getElementById("standards-count");
  var empty = document.getElementById("standards-empty");

  // As normalise() in frontend/standards.py: words only, lower case, no accents, "/" kept.
  function words(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^\p{L}\p{N}_/]+/gu, " ").split(" ").filter(Boolean);
  }

  function apply() {
    var wanted = words(input.value);
    var shown = 0;
    rows.forEach(function (row) {
      // Each word typed must begin a word of the row: "ktp" finds KTP-el, not FKTP.
      var haystack = " " + row.getAttribute("data-search");
      var match = wanted.every(function (word) { return haystack.indexOf(" " + word) !== -1; });
      row.hidden = !match;
      if (match) shown += 1;
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("tr[data-search]:not([hidden])");
    });
    count.textContent = count.getAttribute("data-template").replace("{shown}", shown);
    empty.hidden = shown > 0;
    // Keep the address shareable (and the search kept on "back") without reloading the page.
    var url = new URL(window.location.href);
    if (input.value.trim()) url.searchParams.set("q", input.value.trim());
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  }

  input.addEventListener("input", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
})();
