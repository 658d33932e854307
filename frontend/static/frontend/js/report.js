/* Report form: service standard at a glance, sections by type, photo checks, upload progress,
   and the proof of work a busy network is asked for.
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

  // --- Photos: preview, count, type and size before anything is sent -----------------------
  // The messages are the server's own, translated in the page (#photo-messages), so a citizen
  // reads the same words whether the browser or the server finds the problem. They stay beside
  // the field (role=alert announces them) until the choice is corrected.
  var photos = document.getElementById("photos");
  var list = document.getElementById("photo-list");
  var problemBox = document.getElementById("photos-problem");
  var texts = JSON.parse(document.getElementById("photo-messages").textContent);
  var photoTypes = photos.getAttribute("accept").split(",");

  function named(text, file) { return text.replace("%(name)s", file.name); }

  function fileProblem(file) {
    if (file.size === 0) return named(texts.empty, file);
    if (file.type && photoTypes.indexOf(file.type) === -1) return named(texts.notImage, file);
    if (file.size > maxBytes) return named(texts.tooLarge, file);
    return "";
  }

  function photoProblems() {
    var problems = [];
    if (photos.files.length > maxPhotos) problems.push(texts.tooMany);
    Array.prototype.forEach.call(photos.files, function (file) {
      var problem = fileProblem(file);
      if (problem) problems.push(problem);
    });
    return problems;
  }

  // The field points at the problems while there are any (and at the server's message, if the
  // page came back with one, until another choice is made).
  var describedBy = photos.getAttribute("aria-describedby");
  function showProblems(problems) {
    problemBox.textContent = "";
    problems.forEach(function (text) { problemBox.appendChild(el("p", null, text)); });
    var serverError = document.getElementById("photos-error");
    if (serverError) serverError.hidden = true;
    var ids = describedBy.split(" ").filter(function (id) { return id !== "photos-error"; });
    if (problems.length) {
      ids.push("photos-problem");
      photos.setAttribute("aria-invalid", "true");
    } else {
      photos.removeAttribute("aria-invalid");
    }
    photos.setAttribute("aria-describedby", ids.join(" "));
  }

  photos.addEventListener("change", function () {
    list.textContent = "";
    Array.prototype.forEach.call(photos.files, function (file, index) {
      var item = el("li", index >= maxPhotos || fileProblem(file) ? "bad" : "");
      if (/^image\//.test(file.type)) {
        var img = el("img");
        img.alt = "";
        img.src = URL.createObjectURL(file);
        img.onload = function () { URL.revokeObjectURL(img.src); };
        item.appendChild(img);
      }
      item.appendChild(el("span", null, file.name + " · " + (file.size < 1048576 ? Math.ceil(file.size / 1024) + " KB" : (file.size / 1048576).toFixed(1) + " MB")));
      list.appendChild(item);
    });
    showProblems(photoProblems());
  });

  // --- Send with a progress bar; the server's answer replaces the page ---------------------
  // When this network has sent many reports, the server answers 429 with a proof-of-work
  // challenge (complaints/proofofwork.py) instead of a plain refusal: pow-worker.js solves it
  // ("Checking your device…") and the same form goes again with the solution in X-Altcha.
  var progress = document.getElementById("upload-progress");
  var bar = progress.querySelector("progress");
  var status = progress.querySelector(".progress-text");
  var button = form.querySelector("button[type=submit]");

  // Retry-safe sending (complaints/idempotency.py): the form's one-time token goes in the
  // Idempotency-Key header as well, and stays in sessionStorage until a receipt is shown. A send
  // whose answer was lost (the phone's connection dropped) goes again with the same key, by
  // itself or from the form reloaded in this tab, and gets its receipt back instead of filing
  // the report twice.
  var retryKey = form.elements.retry_key;
  var PENDING = "laporpungli.pendingReport";
  var RETRY_DELAYS = [2000, 5000, 10000];
  var retries = 0;

  function pending(value) {
    try {
      if (value === undefined) return window.sessionStorage.getItem(PENDING);
      if (value) window.sessionStorage.setItem(PENDING, value);
      else window.sessionStorage.removeItem(PENDING);
    } catch (e) { /* storage off: retries still work until the page is left */ }
    return null;
  }
  if (retryKey && pending()) retryKey.value = pending();

  function sendAgainLater(data, proof, proofsLeft) {
    if (retries >= RETRY_DELAYS.length) return false;
    status.textContent = status.dataset.retrying;
    setTimeout(function () { send(data, proof, proofsLeft); }, RETRY_DELAYS[retries++]);
    return true;
  }

  function showAnswer(html) {
    document.open();
    document.write(html);
    document.close();
    window.scrollTo(0, 0);
  }

  function challengeIn(html) {
    var node = new DOMParser().parseFromString(html, "text/html").getElementById("pow-challenge");
    try { return node ? JSON.parse(node.textContent) : null; } catch (e) { return null; }
  }

  function solve(challenge, done) {
    if (!window.Worker || !window.crypto || !window.crypto.subtle || !form.dataset.powWorker) {
      done(null);
      return;
    }
    var worker = new Worker(form.dataset.powWorker);
    status.textContent = status.dataset.checking;
    bar.removeAttribute("value");
    worker.onmessage = function (event) {
      if (event.data.progress) return;
      worker.terminate();
      if (event.data.failed) { done(null); return; }
      var solution = { counter: event.data.counter, derivedKey: event.data.derivedKey };
      done(btoa(JSON.stringify({ challenge: challenge, solution: solution })));
    };
    worker.onerror = function () { worker.terminate(); done(null); };
    worker.postMessage(challenge);
  }

  function send(data, proof, proofsLeft) {
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    if (proof) request.setRequestHeader("X-Altcha", proof);
    if (retryKey && retryKey.value) request.setRequestHeader("Idempotency-Key", retryKey.value);
    request.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.round((e.loaded / e.total) * 100);
      bar.value = percent;
      status.textContent = percent < 100 ? status.dataset.sending + " " + percent + "%" : status.dataset.processing;
    });
    request.addEventListener("load", function () {
      if (request.status >= 502 && request.status <= 504 && sendAgainLater(data, proof, proofsLeft)) return;
      if (request.status === 201) pending(null);
      var challenge = request.status === 429 && proofsLeft > 0 ? challengeIn(request.responseText) : null;
      if (!challenge) { showAnswer(request.responseText); return; }
      solve(challenge, function (solved) {
        if (solved) send(data, solved, proofsLeft - 1);
        else showAnswer(request.responseText);
      });
    });
    request.addEventListener("error", function () {
      if (sendAgainLater(data, proof, proofsLeft)) return;
      button.disabled = false;
      status.textContent = status.dataset.failed;
    });
    request.send(data);
  }

  form.addEventListener("submit", function (event) {
    if (!window.FormData || !window.XMLHttpRequest) return;
    var problems = photoProblems();
    if (problems.length) {
      // Nothing is sent: the problems are said again (announced) and the field gets the focus.
      event.preventDefault();
      showProblems(problems);
      photos.focus();
      return;
    }
    event.preventDefault();
    button.disabled = true;
    progress.hidden = false;
    bar.value = 0;
    status.textContent = status.dataset.sending;
    retries = 0;
    if (retryKey) pending(retryKey.value);
    send(new FormData(form), null, 2);
  });
})();

/* Live preview: where the report would go and why, and the fee check, computed by the server
   (POST /api/v1/routing/preview/) as the citizen types; nothing is stored. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var box = document.getElementById("route-preview");
  if (!form || !box || !window.fetch) return;
  var feePreview = document.getElementById("fee-preview");
  var offer = document.getElementById("amount-offer");
  var offerButton = offer.querySelector("button");
  var timer = null;
  var sequence = 0;

  function value(name) {
    var field = form.elements[name];
    if (!field) return "";
    if (field.type === "checkbox") return field.checked;
    return field.value || "";
  }

  function body() {
    var data = {
      category: value("category") || "other",
      description: value("description"),
      involves_head: value("involves_head") === true
    };
    ["service", "opd", "kelurahan", "amount_asked", "amount_paid", "karcis_given"].forEach(function (name) {
      var v = value(name);
      if (v !== "") data[name] = v;
    });
    return data;
  }

  function show(result) {
    var labels = box.dataset;
    box.hidden = false;
    box.classList.toggle("triage", !result.opd);
    box.querySelector(".route-to").textContent = result.opd
      ? labels.labelTo + ": " + result.opd.name
      : labels.labelTriage;
    box.querySelector(".route-why").textContent = result.reason;
    box.querySelector(".route-oversight").textContent = result.oversight.length
      ? labels.labelOversight + ": " + result.oversight_names.join(", ") : "";
    feePreview.textContent = result.fee_check.text || "";
    feePreview.hidden = !result.fee_check.text;
    feePreview.classList.toggle("flagged", Boolean(result.fee_check.flagged));
    var amount = result.amounts.length ? Math.max.apply(null, result.amounts) : null;
    var empty = !value("amount_asked") && !value("amount_paid");
    offer.hidden = !(amount && empty);
    if (amount) {
      offerButton.dataset.amount = amount;
      offerButton.textContent = offerButton.dataset.label.replace("%(amount)s", "Rp" + String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, "."));
    }
  }

  function refresh() {
    var mine = ++sequence;
    fetch(box.dataset.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept-Language": document.documentElement.lang },
      body: JSON.stringify(body()),
      credentials: "omit"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (result) {
      if (result && mine === sequence) show(result);
    }).catch(function () { /* the preview is a convenience; the form still works */ });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  }

  form.addEventListener("input", function (event) {
    if (event.target.type !== "file") schedule();
  });
  form.addEventListener("change", function (event) {
    if (event.target.type !== "file") schedule();
  });
  offerButton.addEventListener("click", function () {
    form.elements.amount_asked.value = offerButton.dataset.amount;
    offer.hidden = true;
    schedule();
  });
  if (value("description") || value("service")) schedule();
})();
