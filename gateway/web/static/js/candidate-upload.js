// titrepro — the candidate's document upload with a progress bar
// (candidate_documents.go). Progressive enhancement: without this script
// the form posts the file and the server answers with a page. With it,
// the same request goes through XMLHttpRequest, whose upload events move
// the progress bar; the server answers JSON (Accept: application/json):
// where to go after a success, or the refusal to show under the field.
// Every sentence comes from the page (data-* attributes), in French.
(function () {
  "use strict";

  function sizeText(n) {
    if (n < 1024 * 1024) return Math.max(1, Math.round(n / 1024)) + "\u00a0ko";
    return (n / (1024 * 1024)).toFixed(1).replace(".", ",") + "\u00a0Mo";
  }

  function localPath(p) {
    return typeof p === "string" && p.charAt(0) === "/" && p.charAt(1) !== "/" && p.charAt(1) !== "\\";
  }

  function start() {
    var form = document.querySelector("form[data-upload]");
    if (!form || !window.XMLHttpRequest || !window.FormData) return;
    var input = form.querySelector("input[type=file]");
    var group = document.getElementById("fichier-groupe");
    var error = document.getElementById("fichier-erreur");
    var box = document.getElementById("progression");
    var bar = document.getElementById("barre-progression");
    var text = document.getElementById("texte-progression");
    var button = form.querySelector("button[type=submit]");
    var max = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
    var sending = false;

    function showError(message) {
      sending = false;
      error.textContent = message;
      error.hidden = false;
      group.classList.add("fr-upload-group--error");
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "fichier-aide fichier-erreur");
      box.hidden = true;
      button.disabled = false;
      input.focus();
    }

    function clearError() {
      error.textContent = "";
      error.hidden = true;
      group.classList.remove("fr-upload-group--error");
      input.removeAttribute("aria-invalid");
      input.setAttribute("aria-describedby", "fichier-aide");
    }

    function progress(sent, total) {
      var percent = total > 0 ? Math.floor((sent / total) * 100) : 0;
      bar.value = percent;
      bar.textContent = percent + " %";
      text.textContent = form.getAttribute("data-progress")
        .replace("{percent}", String(percent))
        .replace("{sent}", sizeText(sent))
        .replace("{total}", sizeText(total));
    }

    form.addEventListener("submit", function (ev) {
      var file = input.files && input.files[0];
      // No file chosen: the plain form goes, and the server says a file
      // is needed, as without script.
      if (!file) return;
      ev.preventDefault();
      if (sending) return;
      if (max && file.size > max) {
        showError(form.getAttribute("data-too-large"));
        return;
      }
      clearError();
      sending = true;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) progress(e.loaded, e.total);
      });
      xhr.upload.addEventListener("load", function () {
        bar.value = 100;
        text.textContent = form.getAttribute("data-done");
      });
      xhr.addEventListener("load", function () {
        var answer = null;
        if ((xhr.getResponseHeader("Content-Type") || "").indexOf("application/json") === 0) {
          try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
        }
        if (!answer) {
          // Not the upload's answer (an expired session, a refused form):
          // send the plain form, whose answer is a page that says what to do.
          form.submit();
          return;
        }
        if (answer.redirect && localPath(answer.redirect)) {
          location.assign(answer.redirect);
          return;
        }
        showError(answer.message || form.getAttribute("data-failed"));
      });
      xhr.addEventListener("error", function () { showError(form.getAttribute("data-failed")); });
      xhr.addEventListener("abort", function () { showError(form.getAttribute("data-failed")); });
      box.hidden = false;
      button.disabled = true;
      progress(0, file.size);
      xhr.send(new FormData(form));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
