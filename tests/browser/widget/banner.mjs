// The cookie banner in Chromium (crates/cli/tests/it/widget/browser.rs): the sample page
// /widget/v1/demo carrying the banner, with its analytics script and marketing frame served
// by a second loopback origin that this script runs and counts requests to.
//
// Args: <base-url> <fiduciary id> <API key> <cookie policy notice id>
import { main, axeViolations, screenshot, check } from "../lib.mjs";
import { createServer } from "node:http";
import { gzipSync } from "node:zlib";

const [base, fid, apiKey, noticeId] = process.argv.slice(2);

// The second origin: a "tracker" whose script sets the analytics cookie.
const hits = { "/analytics.js": 0, "/ad.html": 0 };
const tracker = createServer((req, res) => {
  const path = new URL(req.url, "http://x").pathname;
  hits[path] = (hits[path] || 0) + 1;
  if (path === "/analytics.js") {
    res.writeHead(200, { "content-type": "text/javascript", "cache-control": "public, max-age=3600" });
    res.end('document.cookie="_demo_analytics=1; Path=/; Max-Age=86400";' +
      "window.demoAnalyticsRuns=(window.demoAnalyticsRuns||0)+1;");
  } else {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><title>ad</title><p>ad</p>");
  }
});
await new Promise((r) => tracker.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${tracker.address().port}`;
const demo = (lang) =>
  `${base}/widget/v1/demo?fiduciary=${fid}&tracker=${encodeURIComponent(origin)}&lang=${lang}`;

// Counts layout shifts from the very start of every page.
function clsProbe() {
  window.__cls = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
  }).observe({ type: "layout-shift", buffered: true });
}

async function bannerShown(page) {
  await page.waitForSelector(".anm-cc:not([hidden])");
}

/** Waits until the script has started (it marks the page's preferences link). */
async function scriptStarted(page) {
  await page.waitForSelector("[data-anumodan-bound]", { state: "attached" });
}

async function decideBy(page, click) {
  const answer = page.waitForResponse((r) => r.url().endsWith("/widget/v1/decisions"));
  await click();
  const r = await answer;
  check(r.status() === 201, `decision answered ${r.status()}`);
  await page.waitForFunction(() => document.querySelector(".anm-cc").hidden);
  return r.json();
}

const button = (page, action) => page.locator(`.anm-cc button[data-action="${action}"]`);

async function api(method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  const v = await r.json();
  check(r.ok, `${method} ${path}: ${r.status} ${JSON.stringify(v)}`);
  return v;
}

await main(async (browser) => {
  const out = {};

  // 1. First visit, cold cache: the banner, nothing blocked loads, no layout shift.
  const ctx = await browser.newContext();
  await ctx.addInitScript(clsProbe);
  const page = await ctx.newPage();
  await page.goto(demo("en"));
  await bannerShown(page);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  out.cls = await page.evaluate(() => window.__cls);
  out.requests_before_consent = hits["/analytics.js"] + hits["/ad.html"];
  out.ran_before_consent = await page.evaluate(() => window.demoAnalyticsRuns || 0);
  out.consent_mode_default = await page.evaluate(() => {
    const e = Array.from(window.dataLayer).find((a) => a[0] === "consent" && a[1] === "default");
    return e ? e[2] : null;
  });
  out.banner = await page.evaluate(() => {
    const b = document.querySelector(".anm-cc");
    return {
      role: b.getAttribute("role"),
      label: document.getElementById(b.getAttribute("aria-labelledby")).textContent,
      position: getComputedStyle(b).position,
    };
  });
  out.buttons = await page.evaluate(() =>
    Array.from(document.querySelectorAll(".anm-cc .anm-cc-row button")).map((b) => {
      const s = getComputedStyle(b);
      return {
        action: b.dataset.action,
        font: `${s.fontSize} ${s.fontWeight}`,
        padding: s.padding,
        colours: `${s.color} ${s.backgroundColor}`,
      };
    }),
  );
  // Keyboard: the banner comes first; its buttons show their focus.
  await page.keyboard.press("Tab");
  out.first_tab_in_banner = await page.evaluate(() => !!document.activeElement.closest(".anm-cc"));
  await button(page, "accept_all").focus();
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  out.focus_outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  out.axe_en = await axeViolations(page);
  await screenshot(page, "widget-banner-en");

  // 2. Customise: analytics only. Its script runs (from the second origin); marketing's frame
  // does not load; Consent Mode is updated.
  await button(page, "customise").click();
  await page.check("#anm-cc-analytics");
  const a = await decideBy(page, () => page.click(".anm-cc fieldset button"));
  out.customise_granted = a.granted;
  await page.waitForFunction(() => window.demoAnalyticsRuns === 1);
  out.analytics_cookie_set = await page.evaluate(() => document.cookie.includes("_demo_analytics=1"));
  out.consent_mode_update = await page.evaluate(() => {
    const u = Array.from(window.dataLayer).filter((a) => a[0] === "consent" && a[1] === "update");
    return u[u.length - 1][2];
  });
  out.frames_after_customise = hits["/ad.html"];
  out.requests_after_customise = hits["/analytics.js"];

  // 3. The next load: no banner, analytics runs again at once.
  await page.reload();
  await scriptStarted(page);
  await page.waitForFunction(() => window.demoAnalyticsRuns === 1);
  out.banner_after_decision = await page.evaluate(() => !!document.querySelector(".anm-cc:not([hidden])"));

  // 4. Reopen the preferences and withdraw analytics: its cookie is deleted now, and its script
  // does not run on the next load.
  const before = hits["/analytics.js"];
  await page.click("[data-anumodan-preferences]");
  await bannerShown(page);
  await button(page, "customise").click();
  out.reopened_shows_current = await page.isChecked("#anm-cc-analytics");
  await page.uncheck("#anm-cc-analytics");
  const w = await decideBy(page, () => page.click(".anm-cc fieldset button"));
  out.withdraw_granted = w.granted;
  out.analytics_cookie_after_withdrawal = await page.evaluate(() => document.cookie.includes("_demo_analytics"));
  await page.reload();
  await scriptStarted(page);
  out.ran_after_withdrawal = await page.evaluate(() => window.demoAnalyticsRuns || 0);
  out.requests_after_withdrawal = hits["/analytics.js"] - before;

  // 5. Reject all, in a fresh browser: nothing optional loads.
  const hitsBefore = hits["/analytics.js"] + hits["/ad.html"];
  const ctx2 = await browser.newContext();
  const p2 = await ctx2.newPage();
  await p2.goto(demo("en"));
  await bannerShown(p2);
  const r = await decideBy(p2, () => button(p2, "reject_all").click());
  out.reject_granted = r.granted;
  await p2.reload();
  await scriptStarted(p2);
  out.requests_after_reject = hits["/analytics.js"] + hits["/ad.html"] - hitsBefore;
  await ctx2.close();

  // Accept all, in another fresh browser: the marketing frame loads too.
  const ctx4 = await browser.newContext();
  const p4 = await ctx4.newPage();
  await p4.goto(demo("en"));
  await bannerShown(p4);
  const framesBefore = hits["/ad.html"];
  const framed = p4.waitForResponse((r) => r.url().startsWith(origin + "/ad.html"));
  out.accept_granted = (await decideBy(p4, () => button(p4, "accept_all").click())).granted;
  await framed;
  out.frames_after_accept = hits["/ad.html"] - framesBefore;
  await ctx4.close();

  // 6. Global Privacy Control: the header and navigator.globalPrivacyControl.
  const ctx3 = await browser.newContext({ extraHTTPHeaders: { "Sec-GPC": "1" } });
  await ctx3.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }),
  );
  const p3 = await ctx3.newPage();
  await p3.goto(demo("en"));
  await bannerShown(p3);
  await button(p3, "customise").click();
  out.gpc_marketing_disabled = await p3.isDisabled("#anm-cc-marketing");
  const adsBefore = hits["/ad.html"];
  const g = await decideBy(p3, () => button(p3, "accept_all").click());
  out.gpc_answer = { granted: g.granted, gpc: g.gpc };
  await p3.waitForFunction(() => window.demoAnalyticsRuns === 1);
  out.gpc_frames = hits["/ad.html"] - adsBefore;
  await ctx3.close();

  // 7. Hindi and Urdu: the banner in the visitor's language, Urdu right to left; axe-clean.
  for (const lang of ["hi", "ur"]) {
    const c = await browser.newContext();
    const p = await c.newPage();
    await p.goto(demo(lang));
    await bannerShown(p);
    out[`dir_${lang}`] = await p.evaluate(() => {
      const b = document.querySelector(".anm-cc");
      return `${b.getAttribute("lang")} ${b.getAttribute("dir")} ${getComputedStyle(b).direction}`;
    });
    out[`title_${lang}`] = await p.textContent("#anm-cc-title");
    out[`axe_${lang}`] = await axeViolations(p);
    await screenshot(p, `widget-banner-${lang}`);
    await c.close();
  }

  // 8. A new policy version asks again (the visitor of 1-4 had decided under version 1).
  const n = await api("GET", `/v1/notices/${noticeId}`);
  n.texts.en.title = "Cookie policy, revised";
  await api("PUT", `/v1/notices/${noticeId}`, { code: n.code, purposes: n.purposes, texts: n.texts });
  await api("POST", `/v1/notices/${noticeId}/publish`, {});
  const cfg = await api("GET", "/v1/cookie-banner");
  cfg.notice_version = 2;
  await api("PUT", "/v1/cookie-banner", cfg);
  await page.reload();
  await bannerShown(page);
  out.asked_again = true;
  await ctx.close();

  // 9. Size: the script, its stylesheet and one language's messages and policy, gzip'd.
  const gz = async (path) => gzipSync(Buffer.from(await (await fetch(base + path)).arrayBuffer())).length;
  out.gzip_script = await gz("/widget/v1/consent.js");
  out.gzip_total =
    out.gzip_script + (await gz("/widget/v1/consent.css")) + (await gz(`/widget/v1/config/${fid}?lang=en`));

  tracker.close();
  return out;
});
