// Takes the screenshots of docs/web.md from a running `anumodan demo`, at a phone's size.
// Usage: node tests/browser/screenshots.mjs <out-dir> <name>=<url> [<name>=<url> ...]
// (Not a test: docs/web.md says how the images were made.)
import { launch } from "./lib.mjs";
import { join } from "node:path";

const [out, ...shots] = process.argv.slice(2);
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 390, height: 760 }, deviceScaleFactor: 1 });
for (const shot of shots) {
  const at = shot.indexOf("=");
  const name = shot.slice(0, at);
  await page.goto(shot.slice(at + 1));
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, `${name}.png`) });
}
await browser.close();
