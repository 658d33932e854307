/* The error summary (frontend/_error_summary.html): it takes the focus when the page opens, and
   each of its links moves the focus to the field it names, with the field's label in view.
   Without this script the summary still carries ``autofocus`` and its links still jump. */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;

  // A link names the field's id; a page whose ids differ from the field names falls back to
  // the first control of that name.
  function fieldFor(link) {
    var id = decodeURIComponent(link.hash.slice(1));
    var field = document.getElementById(id);
    if (!field && window.CSS && CSS.escape) field = document.querySelector("[name=\"" + CSS.escape(id) + "\"]");
    if (field && !/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(field.tagName)) {
      field = field.querySelector("input, select, textarea, button") || field;
    }
    return field;
  }

  // What to scroll into view above the field: its legend (a group of choices) or its label.
  function caption(field) {
    var group = field.closest("fieldset");
    if (group && (field.type === "radio" || field.type === "checkbox")) {
      return group.querySelector("legend") || field;
    }
    return (field.id && document.querySelector("label[for=\"" + CSS.escape(field.id) + "\"]")) || field;
  }

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var field = fieldFor(link);
    if (!field) return;
    event.preventDefault();
    caption(field).scrollIntoView();
    field.focus({ preventScroll: true });
  });

  if (document.activeElement !== summary) summary.focus();
})();
