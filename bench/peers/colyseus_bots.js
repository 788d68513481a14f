// Thin Colyseus bots for bench/compare.sh: N players join "arena" rooms
// through the matchmaker (HTTP, as colyseus.js does), then speak the room
// protocol over a bare `ws` socket: acknowledge JOIN_ROOM, send one "input"
// message per 60 Hz tick (move, aim, fire: the equivalent of tickwire's
// bots), and count the state patches they receive without decoding them, so
// the bots stay cheap and the server is what is measured.
//
//   node colyseus_bots.js URL COUNT SECONDS [WARMUP]
//     URL e.g. ws://127.0.0.1:2567 ; "joined N/COUNT" on stderr once every
//     bot has joined (or given up after 5 tries), then one JSON line at the end:
//     {"bots","joined","patch_rate_hz","patch_gap_p50_ms","patch_gap_p99_ms",
//      "patch_gap_max_ms","patch_jitter_ms","bytes_in_per_bot_s"}
'use strict';
const WebSocket = require('ws');
const { encode } = require('@colyseus/schema');
const { Packr } = require('@colyseus/msgpackr');

const [url, countArg, secondsArg, warmupArg] = process.argv.slice(2);
const count = Number(countArg || 16), seconds = Number(secondsArg || 10), warmup = Number(warmupArg || 3);
const httpBase = url.replace(/^ws/, 'http');
const JOIN_ROOM = 10, ROOM_DATA = 13, ROOM_STATE_PATCH = 15;
const packr = new Packr({ useRecords: false });

const bots = [];
let measuring = false, bytesIn = 0, patches = 0;
const gaps = [];

// The matchmaker refuses or drops a few requests when hundreds arrive at
// once on a busy machine: retry like a patient client would.
async function joinWithRetries(i) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await joinOne(i);
    } catch (e) {
      if (attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

async function joinOne(i) {
  const res = await fetch(`${httpBase}/matchmake/joinOrCreate/arena`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: '{}',
  });
  const seat = await res.json();
  if (!seat.room) throw new Error(`matchmake: ${JSON.stringify(seat)}`);
  const ws = new WebSocket(`${url}/${seat.room.processId}/${seat.room.roomId}?sessionId=${seat.sessionId}`,
                           { perMessageDeflate: false });
  ws.binaryType = 'nodebuffer';
  const bot = { ws, joined: false, lastPatch: 0, tx: Math.random() * 2400, ty: Math.random() * 1600, x: 1200, y: 800, t: i };
  ws.on('message', (data) => {
    if (measuring) bytesIn += data.length;
    const code = data[0];
    if (code === JOIN_ROOM && !bot.joined) {
      bot.joined = true;
      ws.send(Buffer.from([JOIN_ROOM]));
    } else if (code === ROOM_STATE_PATCH) {
      const now = performance.now();
      if (measuring) {
        patches++;
        if (bot.lastPatch !== 0) gaps.push(now - bot.lastPatch);
      }
      bot.lastPatch = now;
    }
  });
  ws.on('error', () => {});
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  bots.push(bot);
}

// One input message: ROOM_DATA, the type as a schema string, msgpack payload.
function inputMessage(mx, my, aim, fire) {
  const head = Buffer.alloc(64);
  head[0] = ROOM_DATA;
  const it = { offset: 1 };
  encode.string(head, 'input', it);
  return Buffer.concat([head.subarray(0, it.offset), packr.pack({ mx, my, aim, fire })]);
}

function tick() {
  for (const b of bots) {
    if (!b.joined || b.ws.readyState !== WebSocket.OPEN) continue;
    // Wander towards a target, pick a new one now and then; fire sometimes.
    if (Math.random() < 0.01) { b.tx = Math.random() * 2400; b.ty = Math.random() * 1600; }
    let dx = b.tx - b.x, dy = b.ty - b.y;
    const len = Math.max(1, Math.hypot(dx, dy));
    dx /= len; dy /= len;
    b.x += dx * 5; b.y += dy * 5;
    b.ws.send(inputMessage(dx, dy, Math.atan2(dy, dx), Math.random() < 0.3));
  }
}

function quantile(sorted, q) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

(async () => {
  // Join a few at a time, as tickwire-load's bots connect.
  for (let i = 0; i < count; i += 16) {
    const batch = [];
    for (let k = i; k < Math.min(count, i + 16); k++) batch.push(joinWithRetries(k).catch((e) => console.error(`bot ${k}: ${e.message}`)));
    await Promise.all(batch);
  }
  // compare.sh waits for this line before it starts measuring the server.
  console.error(`joined ${bots.length}/${count}`);
  const timer = setInterval(tick, 1000 / 60);
  await new Promise((r) => setTimeout(r, warmup * 1000));
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const span = (performance.now() - t0) / 1000;
  clearInterval(timer);
  const joined = bots.filter((b) => b.joined && b.ws.readyState === WebSocket.OPEN).length;
  gaps.sort((a, b) => a - b);
  const mean = gaps.reduce((s, g) => s + g, 0) / Math.max(1, gaps.length);
  const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) * (g - mean), 0) / Math.max(1, gaps.length));
  console.log(JSON.stringify({
    bots: count, joined, patch_rate_hz: patches / Math.max(1, joined) / span,
    patch_gap_p50_ms: quantile(gaps, 0.5), patch_gap_p99_ms: quantile(gaps, 0.99), patch_gap_max_ms: gaps[gaps.length - 1] || 0,
    patch_jitter_ms: sd, bytes_in_per_bot_s: bytesIn / Math.max(1, joined) / span,
  }));
  for (const b of bots) b.ws.close();
  setTimeout(() => process.exit(0), 500);
})();
