/* Proof of work, off the page's thread: solves the ALTCHA v2 challenge (SHA-256, one round) the
   server gave with a 429 (complaints/proofofwork.py). Finds the counter n for which
   SHA-256(salt ‖ nonce ‖ n as 4 bytes big-endian) starts with keyPrefix, trying a batch of
   counters at a time; answers {counter, derivedKey} or {failed: true}, with progress between. */
"use strict";

function bytes(hex) {
  var out = new Uint8Array(hex.length / 2);
  for (var i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

function hex(buffer) {
  return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
    return (b < 16 ? "0" : "") + b.toString(16);
  }).join("");
}

self.onmessage = function (event) {
  var p = event.data.parameters;
  var salt = bytes(p.salt);
  var nonce = bytes(p.nonce);
  var prefix = String(p.keyPrefix).toLowerCase();
  var keyLength = p.keyLength || 32;
  var deadline = (p.expiresAt || Infinity) * 1000;
  var counter = 0;

  function attempt(n) {
    var data = new Uint8Array(salt.length + nonce.length + 4);
    data.set(salt);
    data.set(nonce, salt.length);
    new DataView(data.buffer).setUint32(data.length - 4, n);
    return crypto.subtle.digest("SHA-256", data).then(function (digest) {
      return hex(digest.slice(0, keyLength));
    });
  }

  function batch() {
    if (counter > 0xffffffff || Date.now() > deadline) {
      self.postMessage({ failed: true });
      return;
    }
    var start = counter;
    var tries = [];
    for (var i = 0; i < 1000; i++) tries.push(attempt(start + i));
    counter += tries.length;
    Promise.all(tries).then(function (keys) {
      for (var i = 0; i < keys.length; i++) {
        if (keys[i].indexOf(prefix) === 0) {
          self.postMessage({ counter: start + i, derivedKey: keys[i] });
          return;
        }
      }
      self.postMessage({ progress: counter });
      batch();
    }, function () { self.postMessage({ failed: true }); });
  }
  batch();
};
