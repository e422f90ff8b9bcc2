// titrepro — checks, in the browser, the signed proof a parchment's QR code
// carries after the "#" of the verification page's address
// (titrepro-parchment-proof/1, docs/signatures.md). No dependency, no
// build: WebCrypto's Ed25519 verifies the signature with the key the
// certification authority publishes. The fragment never reaches the server.
//
// The verdict above it is titrepro's (in force, withdrawn…); this one says
// whether the paper's QR code was signed by the authority and what it
// asserts, so that the reader compares it with the paper. A page opened
// without a proof shows nothing more; a browser without Ed25519 says so.
(function () {
  "use strict";

  var FORMAT = "titrepro-parchment-proof/1";

  function b64url(s) {
    if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error("not base64url");
    var b = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4));
    var out = new Uint8Array(b.length);
    for (var i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
    return out;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

  // civilDate writes "YYYY-MM-DD" as the rest of the page does: "7 mars 1994".
  function civilDate(s) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || "");
    if (!m || +m[2] < 1 || +m[2] > 12) return String(s);
    return (+m[3] === 1 ? "1er" : String(+m[3])) + " " + MONTHS[+m[2] - 1] + " " + m[1];
  }

  function show(box, kind, title, text, claims) {
    box.textContent = "";
    box.setAttribute("data-proof", kind);
    box.appendChild(el("h2", "", "Preuve portée par le code QR"));
    var alert = el("div", "fr-alert " + (kind === "authentique" ? "fr-alert--success" : kind === "indisponible" ? "fr-alert--info" : "fr-alert--error"));
    alert.appendChild(el("h3", "fr-alert__title", title));
    alert.appendChild(el("p", "", text));
    box.appendChild(alert);
    if (claims) {
      box.appendChild(el("p", "fr-mt-2w", "Comparez ce que la preuve atteste avec le document papier :"));
      var dl = el("dl", "titrepro-facts");
      var rows = [
        ["Numéro", claims.number],
        ["Document", claims.kind === "TITRE" ? "Titre professionnel" : "Livret de certification"],
        ["Titulaire", claims.holder],
        ["Date de naissance", civilDate(claims.birth_date)],
        ["Titre professionnel", claims.title + ", niveau " + claims.level],
        ["Compétences certifiées", (claims.ccps || []).join(", ")],
        ["Date de délivrance", civilDate(claims.issue_date)]
      ];
      rows.forEach(function (r) {
        dl.appendChild(el("dt", "", r[0]));
        dl.appendChild(el("dd", "", String(r[1])));
      });
      box.appendChild(dl);
    }
    box.hidden = false;
  }

  function start() {
    var box = document.querySelector("[data-proof-number]");
    var fragment = location.hash.slice(1);
    if (!box || !fragment) return;
    var number = box.getAttribute("data-proof-number");
    var forged = function () {
      show(box, "falsifiee", "Preuve non authentique",
        "La preuve du code QR n’a pas été signée par l’autorité de certification, ou elle a été modifiée : ce document a pu être falsifié.");
    };
    var parts = fragment.split(".");
    var payload, signature, claims;
    try {
      if (parts.length !== 2) throw new Error("parts");
      payload = b64url(parts[0]);
      signature = b64url(parts[1]);
      claims = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload));
      if (!claims || claims.format !== FORMAT) throw new Error("format");
    } catch (e) {
      forged();
      return;
    }
    if (!window.crypto || !crypto.subtle || !window.fetch) {
      show(box, "indisponible", "Vérification impossible dans ce navigateur",
        "Ce navigateur ne sait pas vérifier la signature du code QR. Le verdict ci-dessus, donné par titrepro, reste valable.");
      return;
    }
    fetch(box.getAttribute("data-proof-keys"), { credentials: "omit" })
      .then(function (res) {
        if (!res.ok) throw new Error("keys " + res.status);
        return res.json();
      })
      .then(function (set) {
        var jwk = (set.keys || []).filter(function (k) { return k.kid === claims.key_id; })[0];
        if (!jwk) return false;
        return crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, false, ["verify"])
          .then(function (key) { return crypto.subtle.verify({ name: "Ed25519" }, key, signature, payload); },
            function () { return null; });
      })
      .then(function (ok) {
        if (ok === null) {
          show(box, "indisponible", "Vérification impossible dans ce navigateur",
            "Ce navigateur ne sait pas vérifier une signature Ed25519. Le verdict ci-dessus, donné par titrepro, reste valable.");
        } else if (!ok) {
          forged();
        } else if (claims.number !== number) {
          show(box, "autre-numero", "La preuve concerne un autre certificat",
            "Le code QR est signé par l’autorité de certification, mais pour le numéro " + claims.number + ", pas pour celui de cette page.", claims);
        } else {
          var verdict = document.querySelector("[data-verdict]");
          var inForce = !verdict || verdict.getAttribute("data-verdict") === "valide";
          show(box, "authentique", "Preuve authentique",
            "Le code QR a été signé par l’autorité de certification (clé " + claims.key_id + ") : ce qu’il atteste ci-dessous est ce qui a été délivré." +
            (inForce ? "" : " Mais ce document n’est plus en vigueur : voyez le verdict ci-dessus."), claims);
        }
      })
      .catch(function () {
        show(box, "indisponible", "Vérification impossible pour le moment",
          "Les clés publiques de l’autorité de certification n’ont pas pu être lues. Le verdict ci-dessus, donné par titrepro, reste valable.");
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
