/* Report form: service standard at a glance, sections by type, photo checks, upload progress.
   The form works without this script; everything here is an enhancement. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;

  var select = document.getElementById("service");
  var filter = document.getElementById("service-filter");
  var info = document.getElementById("service-info");
  var maxPhotos = parseInt(form.dataset.maxPhotos, 10);
  var maxBytes = parseInt(form.dataset.maxPhotoMb, 10) * 1024 * 1024;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function rupiah(amount) {
    return "Rp" + String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  // --- The chosen service's official fee, time limit and legal basis ----------------------
  function showService() {
    var option = select.options[select.selectedIndex];
    var labels = info.dataset;
    info.textContent = "";
    if (!option || !option.value) return;
    var data = option.dataset;
    var fee = el("p");
    fee.appendChild(el("strong", null, labels.labelFee + ": "));
    if (data.fee === "") {
      fee.appendChild(document.createTextNode(labels.labelUnknown));
    } else if (data.fee === "0") {
      fee.appendChild(el("span", "free", labels.labelFree));
    } else {
      fee.appendChild(document.createTextNode(data.feeText));
    }
    if (data.fee !== "" && data.feeConfirmed !== "1") {
      fee.appendChild(el("span", "warn", " (" + labels.labelUnconfirmed + ")"));
    }
    info.appendChild(fee);
    var time = el("p");
    time.appendChild(el("strong", null, labels.labelTime + ": "));
    time.appendChild(document.createTextNode(data.time || labels.labelNoTime));
    info.appendChild(time);
    if (data.basis) {
      var basis = el("p");
      basis.appendChild(el("strong", null, labels.labelBasis + ": "));
      basis.appendChild(document.createTextNode(data.basis));
      info.appendChild(basis);
    }
    if (data.karcis === "1") info.appendChild(el("p", "warn", labels.labelKarcis));
    var office = el("p");
    office.appendChild(el("strong", null, labels.labelOffice + ": "));
    office.appendChild(document.createTextNode(data.office));
    info.appendChild(office);
  }
  select.addEventListener("change", showService);
  showService();

  // --- Search within the service list ------------------------------------------------------
  filter.hidden = false;
  filter.addEventListener("input", function () {
    var words = filter.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
    var firstMatch = null;
    Array.prototype.forEach.call(select.querySelectorAll("option[value]"), function (option) {
      if (!option.value) return;
      var text = (option.textContent + " " + option.parentNode.label).toLowerCase();
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      option.hidden = !match;
      option.disabled = !match && !option.selected;
      if (match && !firstMatch) firstMatch = option;
    });
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
    if (words.length && firstMatch && select.selectedOptions[0] && select.selectedOptions[0].hidden) {
      select.value = firstMatch.value;
      showService();
    }
  });

  // --- Show the sections that fit the chosen type ------------------------------------------
  var sections = form.querySelectorAll("[data-show-for]");
  function showSections() {
    var checked = form.querySelector("input[name=category]:checked");
    Array.prototype.forEach.call(sections, function (section) {
      section.hidden = Boolean(checked) && section.dataset.showFor !== checked.value;
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "category") showSections();
  });
  showSections();

  // --- Characters left in the description --------------------------------------------------
  Array.prototype.forEach.call(form.querySelectorAll(".counter"), function (counter) {
    var field = document.getElementById(counter.dataset.for);
    var max = parseInt(field.getAttribute("maxlength"), 10);
    function update() { counter.textContent = "(" + field.value.length + "/" + max + ")"; }
    field.addEventListener("input", update);
    update();
  });

  // --- Photos: preview, count and size before anything is sent ----------------------------
  var photos = document.getElementById("photos");
  var list = document.getElementById("photo-list");
  function photoProblem() {
    if (photos.files.length > maxPhotos) return "max " + maxPhotos;
    for (var i = 0; i < photos.files.length; i++) {
      if (photos.files[i].size > maxBytes) return photos.files[i].name + " > " + (maxBytes / 1048576) + " MB";
    }
    return "";
  }
  photos.addEventListener("change", function () {
    list.textContent = "";
    Array.prototype.forEach.call(photos.files, function (file, index) {
      var item = el("li", index >= maxPhotos || file.size > maxBytes ? "bad" : "");
      if (/^image\//.test(file.type)) {
        var img = el("img");
        img.alt = "";
        img.src = URL.createObjectURL(file);
        img.onload = function () { URL.revokeObjectURL(img.src); };
        item.appendChild(img);
      }
      item.appendChild(el("span", null, file.size < 1048576 ? Math.ceil(file.size / 1024) + " KB" : (file.size / 1048576).toFixed(1) + " MB"));
      list.appendChild(item);
    });
    photos.setCustomValidity(photoProblem());
  });

  // --- Send with a progress bar; the server's answer replaces the page ---------------------
  var progress = document.getElementById("upload-progress");
  var bar = progress.querySelector("progress");
  var status = progress.querySelector(".progress-text");
  var button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", function (event) {
    if (!window.FormData || !window.XMLHttpRequest) return;
    if (photoProblem()) { event.preventDefault(); photos.reportValidity(); return; }
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.round((e.loaded / e.total) * 100);
      bar.value = percent;
      status.textContent = percent < 100 ? status.dataset.sending + " " + percent + "%" : status.dataset.processing;
    });
    request.addEventListener("load", function () {
      document.open();
      document.write(request.responseText);
      document.close();
      window.scrollTo(0, 0);
    });
    request.addEventListener("error", function () {
      button.disabled = false;
      status.textContent = status.dataset.failed;
    });
    button.disabled = true;
    progress.hidden = false;
    bar.value = 0;
    status.textContent = status.dataset.sending;
    request.send(new FormData(form));
  });
})();
