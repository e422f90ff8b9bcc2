// titrepro — progressive enhancement of forms, no dependency, no build.
//
// 1. Keeping a form across a login. When a form is sent after the session
//    has expired, the server sends the browser through the login round trip
//    and back to the page of the form with ?restaurer=1 (see routes.go,
//    askLogin). So: every POST form's fields are saved in sessionStorage
//    when it is sent, keyed by page; back on that page with ?restaurer=1
//    they are put back and a notice says so; on any other visit of the page
//    the saved copy is dropped. Hidden fields (the CSRF token), passwords and
//    files are never saved. A form opts out with data-keep="off".
// 2. The error summary of a form takes the focus, so that screen readers
//    read it first.
(function () {
  "use strict";
  var PREFIX = "titrepro:formulaire:";
  var store;
  try { store = window.sessionStorage; } catch (e) { store = null; }

  function keyOf(form, index) {
    return PREFIX + location.pathname + "#" + (form.id || String(index));
  }

  function keepable(el) {
    if (!el.name || el.disabled) return false;
    var t = (el.type || "").toLowerCase();
    return t !== "hidden" && t !== "password" && t !== "file" && t !== "submit" && t !== "button" && t !== "reset";
  }

  function save(form, index) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!keepable(el)) return;
      var t = (el.type || "").toLowerCase();
      if (t === "checkbox" || t === "radio") {
        fields.push({ n: el.name, v: el.value, c: el.checked });
      } else if (el.tagName === "SELECT" && el.multiple) {
        fields.push({ n: el.name, m: Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; }) });
      } else {
        fields.push({ n: el.name, v: el.value });
      }
    });
    try { store.setItem(keyOf(form, index), JSON.stringify(fields)); } catch (e) { /* full or refused: nothing to keep */ }
  }

  function restore(form, index) {
    var raw = store.getItem(keyOf(form, index));
    store.removeItem(keyOf(form, index));
    if (!raw) return false;
    var fields;
    try { fields = JSON.parse(raw); } catch (e) { return false; }
    var byName = {};
    fields.forEach(function (f) { (byName[f.n] = byName[f.n] || []).push(f); });
    Object.keys(byName).forEach(function (name) {
      var saved = byName[name];
      var els = Array.prototype.filter.call(form.elements, function (el) { return el.name === name && keepable(el); });
      els.forEach(function (el, i) {
        var t = (el.type || "").toLowerCase();
        if (t === "checkbox" || t === "radio") {
          el.checked = saved.some(function (f) { return f.v === el.value && f.c; });
        } else if (el.tagName === "SELECT" && el.multiple && saved[0].m) {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = saved[0].m.indexOf(o.value) >= 0; });
        } else if (saved[i]) {
          el.value = saved[i].v;
        }
      });
    });
    return true;
  }

  function notice(form) {
    var div = document.createElement("div");
    div.className = "fr-alert fr-alert--info fr-mb-3w";
    div.setAttribute("role", "status");
    div.setAttribute("data-restored", "");
    var h = document.createElement("h2");
    h.className = "fr-alert__title";
    h.textContent = "Vos saisies ont été conservées";
    var p = document.createElement("p");
    p.textContent = "Votre session avait expiré. Vérifiez les informations ci-dessous, puis envoyez à nouveau le formulaire.";
    div.appendChild(h);
    div.appendChild(p);
    form.parentNode.insertBefore(div, form);
  }

  function start() {
    var params = new URLSearchParams(location.search);
    var restoring = params.get("restaurer") === "1";
    var forms = Array.prototype.filter.call(document.forms, function (f) {
      return (f.method || "").toLowerCase() === "post" && f.getAttribute("data-keep") !== "off";
    });
    if (restoring && forms.length > 0) {
      // The flag is spent: a reload must not restore again.
      params.delete("restaurer");
      var q = params.toString();
      history.replaceState(null, "", location.pathname + (q ? "?" + q : "") + location.hash);
    }
    forms.forEach(function (form, index) {
      if (store) {
        if (restoring) {
          if (restore(form, index)) notice(form);
        } else {
          store.removeItem(keyOf(form, index));
        }
        form.addEventListener("submit", function () { save(form, index); });
      }
    });
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
