// What the autosave costs in the page: the long tasks after each of a few edits of a
// large design, and what the tab's storage holds afterwards (the undo history kept over
// a reload). Usage, with the page served at URL:
//   kubeprint new --services 1000 > /tmp/big.json
//   node scripts/autosave-long-tasks.js http://127.0.0.1:8080/ /tmp/big.json
// Needs playwright-core (`npm install playwright-core`) and Chromium at
// $CHROMIUM (default /usr/bin/chromium).
const { chromium } = require('playwright-core');
const fs = require('fs');

(async () => {
  const [url, file] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await page.waitForSelector('[data-testid="yaml"]');
  const text = fs.readFileSync(file, 'utf8');
  // Dropped on the page, as a user opens a file.
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'big.json', { type: 'application/json' }));
    document.querySelector('main.layout').dispatchEvent(
      new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, text);
  await page.waitForTimeout(4000);
  await page.evaluate(() => {
    window.longs = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.longs.push(Math.round(e.duration));
    }).observe({ type: 'longtask' });
  });
  for (let i = 0; i < 3; i++) {
    const field = await page.$('input[id$="/timing/grace_period_seconds"]');
    await field.click({ clickCount: 3 });
    await field.type(String(40 + i));
    // Past the autosave's wait (400 ms after the last change).
    await page.waitForTimeout(1500);
    const r = await page.evaluate(() => {
      const out = { longTasksMs: window.longs.slice(), sessionStorage: {} };
      for (let k = 0; k < sessionStorage.length; k++) {
        const key = sessionStorage.key(k);
        out.sessionStorage[key] = sessionStorage.getItem(key).length;
      }
      window.longs = [];
      return out;
    });
    console.log(JSON.stringify(r));
  }
  await browser.close();
})();
