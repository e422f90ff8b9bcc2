// titrepro — autosave of the juror's scoring grid (juror_grid_pages.go).
// No dependency, no build. Without this script the grid still works: its
// "Enregistrer la grille" button posts the whole form.
//
// On every change of a verdict (and when an observation loses the focus, or
// after a pause in typing) the whole grid is sent to the grid's address
// with PATCH, the CSRF token in a header and the etag of the last save in
// the form. Saves never overlap: a change made while one is on its way is
// sent after it, with the new etag. The answer is shown in the grid's live
// region ("Enregistré à 14:05"). When another change came first (409), the
// grid stops saving and says so, with a link to reload it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) return;
  var url = form.getAttribute("data-autosave");
  var statusEl = document.getElementById("grille-etat");
  var alertEl = document.getElementById("grille-alerte");
  var busy = false, again = false, stopped = false, typing = null;

  function say(text) { if (statusEl) statusEl.textContent = text; }

  function alertBox(title, detail, link) {
    if (!alertEl) return;
    alertEl.textContent = "";
    var div = document.createElement("div");
    div.className = "fr-alert fr-alert--error fr-mt-2w fr-mb-2w";
    var h = document.createElement("h2");
    h.className = "fr-alert__title";
    h.textContent = title;
    div.appendChild(h);
    if (detail) {
      var p = document.createElement("p");
      p.textContent = detail;
      div.appendChild(p);
    }
    if (link) {
      var pl = document.createElement("p");
      var a = document.createElement("a");
      a.className = "fr-link";
      a.href = link.href;
      a.textContent = link.label;
      pl.appendChild(a);
      div.appendChild(pl);
    }
    alertEl.appendChild(div);
  }

  function body() {
    return new URLSearchParams(new FormData(form)).toString();
  }

  function save() {
    if (stopped) return;
    if (busy) { again = true; return; }
    busy = true;
    again = false;
    say("Enregistrement…");
    var token = form.querySelector("input[name=_csrf]");
    fetch(url, {
      method: "PATCH",
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
        "X-CSRF-Token": token ? token.value : ""
      },
      body: body()
    }).then(function (resp) {
      if (resp.type === "opaqueredirect" || resp.status === 0) {
        // No session any more: the server sends people to the login page.
        return { status: 401, reply: {
          title: "Session expirée",
          detail: "Votre session a expiré : vos derniers choix n’ont pas été enregistrés. Utilisez le bouton « Enregistrer la grille » : après la connexion, vos choix seront remis dans la grille.",
          status: "Non enregistré : votre session a expiré." } };
      }
      var type = resp.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) {
        return { status: resp.status, reply: {
          title: "Enregistrement refusé",
          detail: "La grille n’a pas pu être enregistrée. Rechargez la page, puis reprenez vos choix.",
          reload: location.pathname,
          status: "Non enregistré." } };
      }
      return resp.json().then(function (reply) { return { status: resp.status, reply: reply }; });
    }).then(function (res) {
      var reply = res.reply || {};
      if (res.status === 200) {
        var etag = form.querySelector("input[name=etag]");
        if (etag && reply.etag) etag.value = reply.etag;
        if (alertEl) alertEl.textContent = "";
        say(reply.status || "Enregistré.");
        return;
      }
      say(reply.status || "Non enregistré.");
      if (res.status === 409) {
        stopped = true;
        alertBox(reply.title || "Une autre modification est arrivée avant la vôtre", reply.detail,
          { href: reply.reload || location.pathname, label: "Recharger la grille" });
        return;
      }
      var detail = reply.detail || "";
      if (reply.fields && reply.fields.length) {
        detail = reply.fields.map(function (f) { return f.message; }).join(" ");
      }
      if (reply.rule) detail += " Règle appliquée : " + reply.rule + ".";
      alertBox(reply.title || "Enregistrement refusé", detail, reply.reload ? { href: reply.reload, label: "Recharger la grille" } : null);
    }).catch(function () {
      say("Non enregistré : titrepro ne répond pas. Vos choix seront envoyés à la prochaine modification, ou avec le bouton « Enregistrer la grille ».");
    }).then(function () {
      busy = false;
      if (again) save();
    });
  }

  form.addEventListener("change", function (ev) {
    if (ev.target && (ev.target.tagName === "SELECT" || ev.target.tagName === "TEXTAREA")) {
      if (typing) { clearTimeout(typing); typing = null; }
      save();
    }
  });
  form.addEventListener("input", function (ev) {
    if (ev.target && ev.target.tagName === "TEXTAREA") {
      if (typing) clearTimeout(typing);
      typing = setTimeout(function () { typing = null; save(); }, 2000);
    }
  });
})();
