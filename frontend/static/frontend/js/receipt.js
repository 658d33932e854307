/* Receipt page: copy, download or print the receipt, and do not let the reporter leave before
   saving it. The download is made here, in the browser, from the text the page carries (a Blob
   URL holds no receipt); without this script the same button POSTs the receipt for the file. */
(function () {
  "use strict";
  var receipt = document.getElementById("receipt");
  var copy = document.getElementById("copy-receipt");
  var save = document.getElementById("receipt-save");
  var print = document.getElementById("print-receipt");
  var saved = document.getElementById("saved");
  var done = document.getElementById("done");
  var fileText = document.getElementById("receipt-file");
  if (!receipt || !saved) return;

  if (navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(receipt.textContent.replace(/\s+/g, "")).then(function () {
        copy.textContent = copy.dataset.copied;
      });
    });
  }

  if (save && fileText && window.Blob && window.URL && URL.createObjectURL) {
    save.addEventListener("submit", function (event) {
      event.preventDefault();
      var blob = new Blob([JSON.parse(fileText.textContent)], { type: "text/plain;charset=utf-8" });
      var url = URL.createObjectURL(blob);
      var link = document.createElement("a");
      link.href = url;
      link.download = save.dataset.filename;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);  // after the download started
    });
  }

  if (print && window.print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
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
