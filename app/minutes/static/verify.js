/* The checksum page: the citizen picks the PDF and the browser computes its SHA-256 (Web Crypto);
   the file never leaves the computer. Without Web Crypto the typed field stays, as before. */
(function () {
  "use strict";
  var box = document.getElementById("verifica-file");
  var input = document.getElementById("verifica-file-input");
  var status = document.getElementById("verifica-file-stato");
  var field = document.getElementById("checksum");
  if (!box || !input || !field || !window.crypto || !window.crypto.subtle || !window.FileReader) {
    return;
  }
  box.hidden = false;
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file) {
      return;
    }
    status.textContent = box.dataset.working;
    file.arrayBuffer().then(function (data) {
      return window.crypto.subtle.digest("SHA-256", data);
    }).then(function (digest) {
      var hex = Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
      field.value = hex;
      status.textContent = box.dataset.done;
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }).catch(function () {
      status.textContent = box.dataset.failed;
    });
  });
})();
