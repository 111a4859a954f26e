// Loads each of the given paths in each language and reports axe-core's WCAG 2.1 A/AA
// violations, the page's direction, and where its first heading sits (for right to left).
// Usage: node web/pages-axe.mjs <base-url> <path>[,<path>...] <lang>[,<lang>...]
import { main, axeViolations, screenshot } from "../lib.mjs";

const [base, paths, langs] = process.argv.slice(2);

main(async (browser) => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const pages = {};
  for (const path of paths.split(",")) {
    for (const lang of langs.split(",")) {
      const sep = path.includes("?") ? "&" : "?";
      const key = `${path}${sep}lang=${lang}`;
      const res = await page.goto(base + key);
      const dir = await page.evaluate(() => document.documentElement.dir);
      const gaps = await page.evaluate(() => {
        const h = document.querySelector("h1");
        if (!h) return null;
        const range = document.createRange();
        range.selectNodeContents(h);
        const r = range.getBoundingClientRect();
        return { left: r.left, right: document.documentElement.clientWidth - r.right };
      });
      await screenshot(page, `${path.replace(/[^a-z0-9]+/gi, "_")}-${lang}`);
      pages[key] = {
        status: res.status(),
        dir,
        violations: await axeViolations(page),
        h1_left_gap: gaps ? gaps.left : null,
        h1_right_gap: gaps ? gaps.right : null,
      };
    }
  }
  return { pages };
});
