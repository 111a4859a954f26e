/* Anumodan cookie banner, v1 (docs/web.md, "The cookie banner"). No dependencies, no eval, no
   inline styles, no HTML parsing: the page adds one tag,
     <script src="/widget/v1/consent.js" data-fiduciary="<fiduciary id>"></script>
   and marks what must wait for consent:
     <script type="text/plain" data-anumodan-category="analytics" data-src="..."></script>
     <iframe data-anumodan-category="marketing" data-src="..."></iframe>
   The visitor's preference lives in the first-party cookie anm_cc, set by the server's answer:
   "<policy version>.<granted categories joined by +>.<visitor id>". */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || window.anumodanConsent) return;
  var w = window, d = document;
  var root = me.src.replace(/consent\.js(\?.*)?$/, "");
  var fid = me.getAttribute("data-fiduciary") || "";
  var gpc = navigator.globalPrivacyControl === true;
  var CM = { analytics: ["analytics_storage"], marketing: ["ad_storage", "ad_user_data", "ad_personalization"] };

  // Google Consent Mode v2: everything denied before any tag runs.
  w.dataLayer = w.dataLayer || [];
  if (typeof w.gtag !== "function") {
    w.gtag = function () { w.dataLayer.push(arguments); };
  }
  w.gtag("consent", "default", {
    ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied",
    analytics_storage: "denied", wait_for_update: 500
  });

  function readPref() {
    var m = d.cookie.match(/(?:^|;\s*)anm_cc=([^;]*)/);
    if (!m) return null;
    var p = m[1].split(".");
    if (p.length !== 3) return null;
    return { version: parseInt(p[0], 10), cats: p[1] ? p[1].split("+") : [] };
  }

  function el(tag, attrs, text) {
    var e = d.createElement(tag);
    for (var k in attrs) if (attrs[k] !== null) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    return e;
  }

  // Deletes a cookie on this host and on each parent domain (and `domain`, when declared).
  function deleteCookie(name, domain) {
    var host = location.hostname, doms = [""];
    if (!/^[\d.]+$/.test(host) && host.indexOf(":") < 0) {
      var parts = host.split(".");
      for (var i = 0; i < parts.length - 1; i++) doms.push(parts.slice(i).join("."));
    }
    if (domain) doms.push(domain);
    doms.forEach(function (dm) {
      d.cookie = name + "=; Max-Age=0; Path=/" + (dm ? "; Domain=" + dm : "");
    });
  }

  // Starts what the granted categories allow; deletes the cookies of the others.
  function apply(cfg, granted) {
    cfg.categories.forEach(function (c) {
      if (granted.indexOf(c.category) < 0) {
        c.cookies.forEach(function (k) { deleteCookie(k.name, k.domain); });
      }
    });
    var sel = "script[data-anumodan-category],iframe[data-anumodan-category]";
    Array.prototype.forEach.call(d.querySelectorAll(sel), function (e) {
      var cat = e.getAttribute("data-anumodan-category");
      var src = e.getAttribute("data-src");
      if (granted.indexOf(cat) < 0 || e.hasAttribute("data-anumodan-started") || !src) return;
      e.setAttribute("data-anumodan-started", "");
      if (e.tagName === "IFRAME") { e.src = src; return; }
      var s = d.createElement("script");
      for (var i = 0; i < e.attributes.length; i++) {
        var a = e.attributes[i];
        if (!/^(type|data-src|data-anumodan-)/.test(a.name)) s.setAttribute(a.name, a.value);
      }
      var n = me.nonce || e.nonce;
      if (n) s.nonce = n;
      s.src = src;
      e.parentNode.insertBefore(s, e.nextSibling);
    });
    var upd = {};
    Object.keys(CM).forEach(function (cat) {
      CM[cat].forEach(function (k) { upd[k] = granted.indexOf(cat) < 0 ? "denied" : "granted"; });
    });
    w.gtag("consent", "update", upd);
  }

  var banner = null, reopen = null;

  function show(cfg, pref) {
    var m = cfg.messages;
    if (banner) { banner.hidden = false; focusFirst(); return; }
    banner = el("div", { "class": "anm-cc", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "anm-cc-title", lang: cfg.lang, dir: cfg.dir, hidden: "" });
    banner.appendChild(el("h2", { id: "anm-cc-title" }, m.title));
    banner.appendChild(el("p", {}, m.intro));
    var pol = cfg.policy;
    var det = el("details", { lang: pol.language, dir: pol.dir });
    det.appendChild(el("summary", {}, m.policy));
    var box = el("div", { "class": "anm-cc-policy" });
    box.appendChild(el("h3", {}, pol.title));
    [pol.summary, pol.rights, pol.retention_policy, pol.withdrawal_policy, pol.grievance_contact]
      .forEach(function (t) { if (t) box.appendChild(el("p", {}, t)); });
    det.appendChild(box);
    banner.appendChild(det);

    var form = el("fieldset", { hidden: "" });
    form.appendChild(el("legend", {}, m.customise));
    var current = pref ? pref.cats : [];
    cfg.categories.forEach(function (c) {
      var id = "anm-cc-" + c.category;
      var lab = el("label", { "for": id });
      var box = el("input", { type: "checkbox", id: id, value: c.category,
        "aria-describedby": id + "-d" });
      var ess = c.category === "essential";
      var blocked = gpc && c.category === "marketing";
      box.checked = ess || (!blocked && current.indexOf(c.category) >= 0);
      box.disabled = ess || blocked;
      lab.appendChild(box);
      lab.appendChild(d.createTextNode(" " + m["category-" + c.category] + (c.name ? " (" + c.name + ")" : "")));
      form.appendChild(lab);
      var desc = ess ? m["always-on"] : blocked ? m.gpc : "";
      form.appendChild(el("span", { "class": "anm-cc-desc", id: id + "-d", lang: pol.language },
        [c.description, desc].filter(Boolean).join(" ")));
    });
    var save = el("button", { type: "button" }, m.save);
    form.appendChild(save);
    banner.appendChild(form);

    var err = el("p", { "class": "anm-cc-error", role: "alert", hidden: "" }, m.error);
    var row = el("div", { "class": "anm-cc-row" });
    var acc = el("button", { type: "button", "data-action": "accept_all" }, m["accept-all"]);
    var rej = el("button", { type: "button", "data-action": "reject_all" }, m["reject-all"]);
    var cus = el("button", { type: "button", "data-action": "customise", "aria-expanded": "false" }, m.customise);
    row.appendChild(acc); row.appendChild(rej); row.appendChild(cus);
    banner.appendChild(row);
    banner.appendChild(err);

    function decide(action, cats) {
      err.hidden = true;
      fetch(root + "decisions", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ fiduciary: fid, action: action, categories: cats,
          notice_version: cfg.notice_version, language: cfg.lang, gpc: gpc })
      }).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }).then(function (a) {
        banner.hidden = true;
        apply(cfg, a.granted);
        showReopen(cfg);
        if (reopen) reopen.focus();
        w.dispatchEvent(new CustomEvent("anumodan:consent", { detail: a }));
      }).catch(function () { err.hidden = false; });
    }
    acc.addEventListener("click", function () { decide("accept_all", []); });
    rej.addEventListener("click", function () { decide("reject_all", []); });
    cus.addEventListener("click", function () {
      form.hidden = !form.hidden;
      cus.setAttribute("aria-expanded", String(!form.hidden));
      if (!form.hidden) form.querySelector("input:not([disabled])") && form.querySelector("input:not([disabled])").focus();
    });
    save.addEventListener("click", function () {
      var cats = [];
      Array.prototype.forEach.call(form.querySelectorAll("input:checked"), function (i) { cats.push(i.value); });
      decide("customise", cats);
    });
    banner.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && readPref()) banner.hidden = true;
    });
    // Shown only once styled, so it never flashes into the page's flow.
    var link = el("link", { rel: "stylesheet", href: root + "consent.css" });
    var reveal = function () {
      d.body.insertBefore(banner, d.body.firstChild);
      banner.hidden = false;
      focusFirst();
    };
    link.addEventListener("load", reveal);
    link.addEventListener("error", reveal);
    d.head.appendChild(link);
  }

  function focusFirst() {
    var b = banner && banner.querySelector("button");
    if (b && readPref()) b.focus();
  }

  function showReopen(cfg) {
    Array.prototype.forEach.call(d.querySelectorAll("[data-anumodan-preferences]"), function (a) {
      if (a.hasAttribute("data-anumodan-bound")) return;
      a.setAttribute("data-anumodan-bound", "");
      a.addEventListener("click", function (e) { e.preventDefault(); show(cfg, readPref()); });
    });
    if (reopen || d.querySelector("[data-anumodan-preferences]")) return;
    reopen = el("button", { type: "button", "class": "anm-cc-reopen", lang: cfg.lang, dir: cfg.dir }, cfg.messages.preferences);
    reopen.addEventListener("click", function () { show(cfg, readPref()); });
    d.body.appendChild(reopen);
  }

  function start(cfg) {
    var pref = readPref();
    var valid = pref && pref.version === cfg.notice_version;
    apply(cfg, valid ? pref.cats : ["essential"]);
    showReopen(cfg);
    if (!valid) show(cfg, null);
  }

  w.anumodanConsent = { root: root };
  var lang = me.getAttribute("data-lang") || d.documentElement.lang || navigator.language || "en";
  fetch(root + "config/" + encodeURIComponent(fid) + "?lang=" + encodeURIComponent(lang), { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (cfg) {
      if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", function () { start(cfg); });
      else start(cfg);
    })
    .catch(function () { /* no banner configured: nothing optional ever runs */ });
})();
