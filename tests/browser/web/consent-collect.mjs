// Collects consent on the hosted consent page by clicking, once with JavaScript and once
// without, and reports where each submission landed (the fiduciary's return address).
// Usage: node web/consent-collect.mjs <base-url> <page-path-with-js>,<page-path-without-js>
import { main, check, screenshot } from "../lib.mjs";

const [base, paths] = process.argv.slice(2);
const [withJs, withoutJs] = paths.split(",");

/** Opens the page, checks nothing is chosen, allows account and analytics, declines the rest. */
async function collect(context, path, name) {
  const page = await context.newPage();
  const res = await page.goto(base + path);
  check(res.status() === 200, `${name}: status ${res.status()}`);
  const checked = await page.locator("input[type=radio]:checked").count();
  check(checked === 0, `${name}: ${checked} radios pre-checked`);
  const radios = await page.locator("input[type=radio]").count();
  check(radios === 8, `${name}: ${radios} radios`);
  for (const [purpose, choice] of [
    ["account", "granted"],
    ["marketing", "denied"],
    ["analytics", "granted"],
    ["tax_records", "denied"],
  ]) {
    // Click the label, as a person would.
    const id = await page
      .locator(`input[name="purpose-${purpose}"][value="${choice}"]`)
      .getAttribute("id");
    await page.locator(`label[for="${id}"]`).click();
  }
  await screenshot(page, `consent-${name}`);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith("/consent/")),
    page.locator('button[name="all"][value="each"]').click(),
  ]);
  const landed = page.url();
  await page.close();
  return { landed };
}

main(async (browser) => {
  const js = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const nojs = await browser.newContext({
    viewport: { width: 390, height: 844 },
    javaScriptEnabled: false,
  });
  return {
    js: await collect(js, withJs, "js"),
    nojs: await collect(nojs, withoutJs, "nojs"),
  };
});
