// The principal's dashboard in Chromium: signs in by a fiduciary's hand-off (the token pasted
// into the hand-off form), withdraws a purpose with one click, downloads the CSV export, files
// a grievance, then runs axe-core on every dashboard page in English, Hindi and Urdu.
// Usage: node web/dashboard-flow.mjs <base-url> <principal-token> <consent-id> <fiduciary-id>
import { readFileSync } from "node:fs";
import { main, axeViolations, screenshot, check } from "../lib.mjs";

const [base, token, consentId, fid] = process.argv.slice(2);
const LANGS = ["en", "hi", "ur"];

async function audit(page, key, bytes) {
  const dir = await page.evaluate(() => document.documentElement.dir);
  await screenshot(page, `dashboard-${key.replace(/[^a-z0-9]+/gi, "_")}`);
  return { dir, bytes, violations: await axeViolations(page) };
}

main(async (browser) => {
  const out = { pages: {} };
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();

  // Sign in: the hand-off form, then the dashboard.
  await page.goto(`${base}/me/hand-off?lang=en`);
  await page.fill("#token", token);
  await Promise.all([page.waitForURL(`${base}/me`), page.click("button[type=submit].primary")]);
  out.signed_in = (await page.locator("article.consent").count()) > 0;

  // Withdraw marketing with one click.
  await Promise.all([
    page.waitForURL(/\/me\?done=withdraw/),
    page.click("article[data-purpose=marketing] button.withdraw"),
  ]);
  out.withdrawn_shown =
    (await page.locator("article[data-purpose=marketing][data-status=withdrawn]").count()) === 1;

  // Export: the CSV downloads.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.click("a[href='/me/export.csv']"),
  ]);
  out.csv = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "");
  out.csv_name = download.suggestedFilename();

  // A grievance, for the case page.
  await page.goto(`${base}/me/cases?lang=en`);
  await page.fill("#g-description", "I withdrew but still get calls");
  await Promise.all([
    page.waitForURL(/\/me\/cases\/[A-Z]/),
    page.click("form[action='/me/grievances'] button[type=submit]"),
  ]);
  const caseRef = page.url().split("/me/cases/")[1];
  check(caseRef, "no case reference");

  const paths = ["/me", `/me/consents/${consentId}`, "/me/inbox", "/me/cases", `/me/cases/${caseRef}`, "/me/hand-off", `/me/${fid}/sign-in`];
  for (const path of paths) {
    for (const lang of LANGS) {
      const res = await page.goto(`${base}${path}?lang=${lang}`);
      check(res.status() === 200, `${path} ${lang}: ${res.status()}`);
      out.pages[`${path}?lang=${lang}`] = await audit(page, `${path}-${lang}`, (await res.body()).length);
    }
  }

  // Signed out: the closed dashboard and the code page.
  const anon = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const p2 = await anon.newPage();
  for (const lang of LANGS) {
    const res = await p2.goto(`${base}/me?lang=${lang}`);
    check(res.status() === 401, `signed out: ${res.status()}`);
    out.pages[`/me (signed out)?lang=${lang}`] = await audit(p2, `signed-out-${lang}`, (await res.body()).length);
    await p2.goto(`${base}/me/${fid}/sign-in?lang=${lang}`);
    await p2.fill("#contact", "9000000001");
    await Promise.all([p2.waitForURL(`${base}/me/${fid}/sign-in`), p2.click("button[type=submit].primary")]);
    out.pages[`/me/sign-in (code)?lang=${lang}`] = await audit(p2, `code-${lang}`, (await p2.content()).length);
  }
  return out;
});
