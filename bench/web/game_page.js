#!/usr/bin/env node
// bench/web/game_page.js: tickwire-client's page (game/client_app/web) in
// Debian's headless Chromium, for figures and screenshots. Loads the page
// from a running tickwire-server --web-root, lets it play for --seconds and
// prints, one "FIGURE key=value" line each:
//   load_to_joined_ms   navigation start to the first "joined" (the page's
//                       performance.now(): fetch, compile, connect and join)
//   fps                 animation frames the game ran per second
//   frame_ms            the game's C++ frame (ClientApp::frame), mean of the last 100 ms
//   cpu_ms_per_frame    main-thread task time per frame (Chromium's
//                       Performance.getMetrics TaskDuration): the game, the
//                       browser's own canvas and event work
//   rtt_ms              the game's transport RTT (session pings in a page)
//   clock_rtt_ms        the game's clock-sync round trip (as the F3 graph shows)
// --screenshot saves the page as PNG. Figures, not a test: it asserts nothing.
//
//   node bench/web/game_page.js --url 'http://127.0.0.1:7777/?room=demo&name=You&autopilot=1' \
//        [--seconds 10] [--screenshot out.png] [--width 1280 --height 720]
//
// Never downloads a browser: playwright-core (tests/browser/node_modules)
// drives /usr/bin/chromium (TICKWIRE_CHROMIUM overrides the path).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require(path.join(__dirname, '../../tests/browser/node_modules/playwright-core'));

function parseArgs(argv) {
  const o = { url: null, seconds: 10, screenshot: null, width: 1280, height: 720 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--url') o.url = value;
    else if (flag === '--seconds') o.seconds = Number(value);
    else if (flag === '--screenshot') o.screenshot = path.resolve(value);
    else if (flag === '--width') o.width = Number(value);
    else if (flag === '--height') o.height = Number(value);
    else throw new Error(`unknown option ${flag}`);
  }
  if (!o.url) throw new Error('--url is required');
  return o;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickwire-chromium-'));
  let context = null;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: process.env.TICKWIRE_CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: o.width, height: o.height },
    });
    const page = context.pages()[0] || (await context.newPage());
    page.on('console', (m) => { if (m.type() === 'error') console.log(`[page] ${m.text()}`); });
    page.on('pageerror', (e) => console.log(`[page] uncaught: ${e.message}`));
    await page.goto(o.url);
    await page.waitForFunction(() => window.tickwireGame && window.tickwireGame.everJoined, null,
                               { timeout: 30000, polling: 20 });
    const joined = await page.evaluate(() => window.tickwireGame.joinedAtMs);

    // Frames and main-thread time over the measured window.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metric = async (name) =>
      (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name).value;
    const frames0 = await page.evaluate(() => window.tickwireGame.frames);
    const task0 = await metric('TaskDuration');
    const t0 = Date.now();
    await page.waitForTimeout(o.seconds * 1000);
    const frames1 = await page.evaluate(() => window.tickwireGame.frames);
    const task1 = await metric('TaskDuration');
    const seconds = (Date.now() - t0) / 1000;
    const g = await page.evaluate(() => window.tickwireGame);
    // (tickwireGame is refreshed every 100 ms: the frame counts are that fresh.)
    const frames = frames1 - frames0;
    console.log(`FIGURE load_to_joined_ms=${Math.round(joined)}`);
    console.log(`FIGURE fps=${(frames / seconds).toFixed(1)}`);
    console.log(`FIGURE frame_ms=${g.frameMs.toFixed(3)}`);
    console.log(`FIGURE cpu_ms_per_frame=${((task1 - task0) * 1000 / frames).toFixed(2)}`);
    console.log(`FIGURE rtt_ms=${g.rttMs.toFixed(2)}`);
    console.log(`FIGURE clock_rtt_ms=${g.clockRttMs.toFixed(1)}`);
    console.log(`FIGURE status=${g.status} room=${g.room} players=${g.scores.length}`);
    if (o.screenshot) {
      fs.mkdirSync(path.dirname(o.screenshot), { recursive: true });
      await page.screenshot({ path: o.screenshot });
      console.log(`screenshot ${o.screenshot}`);
    }
  } finally {
    if (context) await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.log(`FAIL ${error.message}`);
  process.exit(1);
});
