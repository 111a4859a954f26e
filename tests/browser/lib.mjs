// Shared by the browser scripts: launch Debian's Chromium through playwright-core, run axe-core
// in a page, and report to the Rust test that started the script.
//
// Protocol: a script is run as `node tests/browser/<area>/<name>.mjs <base-url> [args...]` by
// the harness (crates/cli/tests/it/harness/browser.rs). It prints one JSON object on its last
// line of stdout (what the Rust test asserts on) and exits 0, or prints the failure to stderr
// and exits non-zero. Screenshots go to the directory in ANUMODAN_SCREENSHOTS when it is set.
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** The Chromium to drive: ANUMODAN_CHROMIUM, else Debian's. */
export function chromiumPath() {
  return process.env.ANUMODAN_CHROMIUM || "/usr/bin/chromium";
}

/** A headless Chromium; the caller closes it. */
export async function launch() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}

/** The WCAG 2.1 A and AA violations axe-core finds in the page as it is now. */
export async function axeViolations(page) {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern (an inline
  // <script> would be refused by it, as it should be).
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
    }));
  });
  return result;
}

/** Saves a screenshot when ANUMODAN_SCREENSHOTS names a directory; returns its path or null. */
export async function screenshot(page, name) {
  const dir = process.env.ANUMODAN_SCREENSHOTS;
  if (!dir) return null;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Runs `body(browser)` and prints its result as the last line; any throw fails the script. */
export async function main(body) {
  const browser = await launch();
  try {
    const out = await body(browser);
    process.stdout.write(JSON.stringify(out ?? {}) + "\n");
    await browser.close();
    process.exit(0);
  } catch (e) {
    process.stderr.write(`browser script failed: ${e && e.stack ? e.stack : e}\n`);
    await browser.close().catch(() => {});
    process.exit(1);
  }
}

/** Throws with `message` unless `cond`. */
export function check(cond, message) {
  if (!cond) throw new Error(message);
}
