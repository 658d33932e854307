/* Receipt page: copy the receipt, and do not let the reporter leave before saving it. */
(function () {
  "use strict";
  var receipt = document.getElementById("receipt");
  var copy = document.getElementById("copy-receipt");
  var saved = document.getElementById("saved");
  var done = document.getElementById("done");
  if (!receipt || !saved) return;

  if (navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(receipt.textContent.replace(/\s+/g, "")).then(function () {
        copy.textContent = copy.dataset.copied;
      });
    });
  }

  function update() { done.disabled = !saved.checked; }
  saved.addEventListener("change", update);
  update();

  window.addEventListener("beforeunload", function (event) {
    if (saved.checked) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
