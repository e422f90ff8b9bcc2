// titrepro — automatic refresh of a centre's session board, no dependency,
// no build. The page works without it (its "Actualiser le tableau" link).
//
// The person switches it on (the toggle this script reveals): every
// data-board-refresh seconds, while the page is visible, the page is asked
// again and the content of [data-board-content] replaced; a polite status
// says when, in the server's time (data-board-time). Nothing moves the
// focus. An answer that is not the page (the session expired: a redirect
// to the login) stops the refresh and says to reload, so that the browser
// goes through the login itself.
(function () {
  "use strict";

  function start() {
    var board = document.querySelector("[data-board]");
    if (!board || !window.fetch || !window.DOMParser) return;
    var controls = board.querySelector("[data-board-controls]");
    var toggle = controls && controls.querySelector("input[type=checkbox]");
    var status = board.querySelector("[data-board-status]");
    var content = board.querySelector("[data-board-content]");
    if (!controls || !toggle || !status || !content) return;
    controls.hidden = false;
    var timer = null;
    var busy = false;

    function say(text) { status.textContent = text; }

    function stop(message) {
      if (timer) { clearInterval(timer); timer = null; }
      toggle.checked = false;
      if (message) say(message);
    }

    function refresh() {
      if (busy || document.hidden) return;
      busy = true;
      fetch(location.pathname, { credentials: "same-origin", redirect: "manual", headers: { "Accept": "text/html" } })
        .then(function (res) {
          if (res.type === "opaqueredirect" || !res.ok) throw new Error("status " + res.status);
          return res.text();
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-board-content]");
          if (!fresh) throw new Error("no board in the answer");
          content.innerHTML = fresh.innerHTML;
          // The server's time (Paris), not the browser's clock.
          var at = content.querySelector("[data-board-time]");
          say("Tableau actualisé" + (at ? " : état au " + at.getAttribute("data-board-time") : "") + ".");
        })
        .catch(function () {
          stop("L’actualisation automatique s’est arrêtée : rechargez la page (votre session a peut-être expiré).");
        })
        .then(function () { busy = false; });
    }

    toggle.addEventListener("change", function () {
      if (toggle.checked) {
        var seconds = parseInt(board.getAttribute("data-board-refresh"), 10) || 30;
        timer = setInterval(refresh, seconds * 1000);
        say("Actualisation automatique activée, toutes les " + seconds + " secondes.");
      } else {
        stop("Actualisation automatique désactivée.");
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
