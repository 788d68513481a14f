#!/usr/bin/env node
// run_page.js: load one page of the web build in Debian's headless Chromium
// and report what it published.
//
//   node run_page.js --root build-web/web --page 'tests/websocket_spike.html?mode=echo&url=ws://...'
//                    [--screenshot out.png] [--timeout-ms 30000] [--script driver.js]
//   node run_page.js --url 'http://127.0.0.1:9001/tests/websocket_spike.html?mode=echo&url=ws://...'
//
// With --url, loads the page from a server the caller started (a native
// tickwire server with --web-root: page and WebSocket on one port). Else
// serves --root itself over HTTP on 127.0.0.1 (a free port; .wasm as
// application/wasm, so browsers compile it while it downloads). Opens the page, forwards the
// page's console to stdout ("[page] ..."), waits until the page sets
// window.tickwireTest = {done: true, ok, ...}, saves a screenshot and prints
// every field of the result as "RESULT key=value" (one line each), then "PASS"
// or "FAIL why". --script adds a JavaScript file to the page once it has
// loaded: for a page that is not a test page (the chat example), the script
// drives its UI as a person would and publishes the result itself.
// Exit status: 0 if the page published ok: true, 1 if it published a failure,
// 2 on timeout or if the browser or page could not be started.
//
// Never downloads a browser: playwright-core drives /usr/bin/chromium
// (Debian's chromium package; TICKWIRE_CHROMIUM overrides the path).
'use strict';

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const kContentTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
};

// Flags for a quiet, reproducible headless browser: no GPU, no QUIC, no
// background traffic or updates that could open connections of their own.
const kChromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function parseArgs(argv) {
  const options = { root: null, page: null, url: null, screenshot: null, timeoutMs: 30000, script: null };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--root') options.root = path.resolve(value);
    else if (flag === '--page') options.page = value;
    else if (flag === '--url') options.url = value;
    else if (flag === '--screenshot') options.screenshot = path.resolve(value);
    else if (flag === '--timeout-ms') options.timeoutMs = Number(value);
    else if (flag === '--script') options.script = path.resolve(value);
    else throw new Error(`unknown option ${flag}`);
  }
  if (!options.url && (!options.root || !options.page)) throw new Error('--url, or --root and --page, are required');
  return options;
}

// A static file server for the test's own pages: files under root only.
function serve(root) {
  const server = http.createServer((request, response) => {
    let file = '';
    try {
      file = path.join(root, decodeURIComponent(new URL(request.url, 'http://x').pathname));
    } catch (error) {  // a malformed escape: served as not found
    }
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end(`not found: ${request.url}\n`);
      return;
    }
    const type = kContentTypes[path.extname(file)] || 'application/octet-stream';
    response.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const server = options.url ? null : await serve(options.root);
  const url = options.url || `http://127.0.0.1:${server.address().port}/${options.page.replace(/^\//, '')}`;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickwire-chromium-'));
  let context = null;
  let status = 2;
  try {
    const launched = Date.now();
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: process.env.TICKWIRE_CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: kChromiumArgs,
      viewport: { width: 1000, height: 700 },
    });
    const page = context.pages()[0] || (await context.newPage());
    page.on('console', (message) => console.log(`[page] ${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => console.log(`[page] uncaught: ${error.message}`));
    page.on('requestfailed', (request) => console.log(`[page] request failed: ${request.url()} ${request.failure().errorText}`));
    console.log(`browser started in ${Date.now() - launched} ms; loading ${url}`);
    await page.goto(url, { timeout: options.timeoutMs });
    if (options.script) await page.addScriptTag({ path: options.script });
    let result = null;
    try {
      const handle = await page.waitForFunction(() => window.tickwireTest && window.tickwireTest.done,
        null, { timeout: options.timeoutMs, polling: 50 });
      await handle.dispose();
      result = await page.evaluate(() => window.tickwireTest);
    } catch (error) {
      console.log(`FAIL no result within ${options.timeoutMs} ms (${error.message.split('\n')[0]})`);
    }
    if (options.screenshot) {
      fs.mkdirSync(path.dirname(options.screenshot), { recursive: true });
      await page.screenshot({ path: options.screenshot, fullPage: true });
      console.log(`screenshot ${options.screenshot}`);
    }
    if (result) {
      for (const [key, value] of Object.entries(result)) console.log(`RESULT ${key}=${value}`);
      status = result.ok === true ? 0 : 1;
      console.log(status === 0 ? 'PASS' : `FAIL ${result.failure || result.error || 'the page published ok: false'}`);
    }
  } finally {
    if (context) await context.close();
    if (server) server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  return status;
}

main().then((status) => process.exit(status), (error) => {
  console.log(`FAIL ${error.message}`);
  process.exit(2);
});
