// Colyseus 0.16 peer of tickwire-server for bench/compare.sh: rooms of up to
// 32 players holding the demo game's per-player state (x, y, vx, vy, angle,
// hp), simulated at 60 Hz with state patches at 30 Hz; one "input" message
// per player per tick, like tickwire's bots. GET /status answers the same
// JSON keys as tickwire-server's, so tickwire-load measures both the same way:
//   tick_p99_ms   p99 over 16.7 ms periods of all rooms' simulation time
//   work_p99_ms   the same plus patch encoding/sending and input handling
//   late_patches  patch intervals longer than 1.5x the nominal one
//
//   node colyseus_server.js PORT    # prints "listening on ws://127.0.0.1:PORT"
'use strict';
const http = require('http');
const { performance, monitorEventLoopDelay } = require('perf_hooks');
const { Server, Room } = require('@colyseus/core');
const { WebSocketTransport } = require('@colyseus/ws-transport');
const { Schema, MapSchema, defineTypes } = require('@colyseus/schema');

const TICK_HZ = 60, PATCH_HZ = 30, MAX_PLAYERS = 32;
const ARENA_W = 2400, ARENA_H = 1600, ACCEL = 900, DRAG = 0.9, MAX_SPEED = 320;

class Player extends Schema {}
defineTypes(Player, { x: 'float32', y: 'float32', vx: 'float32', vy: 'float32', angle: 'float32', hp: 'uint8' });
class ArenaState extends Schema {
  constructor() { super(); this.players = new MapSchema(); }
}
defineTypes(ArenaState, { players: { map: Player } });

// Server-wide work per 16.7 ms period (all rooms), like tickwire's one loop.
let periodSim = 0, periodWork = 0, latePatches = 0, players = 0;
const WINDOW = TICK_HZ * 10;
const simRing = new Float64Array(WINDOW), workRing = new Float64Array(WINDOW);
let ringAt = 0, ringFilled = 0;
setInterval(() => {
  simRing[ringAt] = periodSim; workRing[ringAt] = periodWork;
  ringAt = (ringAt + 1) % WINDOW; ringFilled = Math.min(WINDOW, ringFilled + 1);
  periodSim = 0; periodWork = 0;
}, 1000 / TICK_HZ);
function p99(ring) {
  if (ringFilled === 0) return 0;
  const a = Array.from(ring.subarray(0, ringFilled)).sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.ceil(0.99 * a.length) - 1)];
}
function max(ring) { let m = 0; for (let i = 0; i < ringFilled; i++) m = Math.max(m, ring[i]); return m; }
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

class ArenaRoom extends Room {
  onCreate() {
    this.maxClients = MAX_PLAYERS;
    this.setState(new ArenaState());
    this.inputs = new Map();
    this.patchRate = 1000 / PATCH_HZ;
    this.lastPatch = 0;
    this.onMessage('input', (client, m) => {
      const t = performance.now();
      if (m && typeof m === 'object') {
        this.inputs.set(client.sessionId, {
          mx: clamp(+m.mx || 0, -1, 1), my: clamp(+m.my || 0, -1, 1), aim: +m.aim || 0, fire: !!m.fire,
        });
      }
      periodWork += performance.now() - t;
    });
    this.setSimulationInterval((dtMs) => this.update(dtMs / 1000), 1000 / TICK_HZ);
  }
  onJoin(client) {
    const p = new Player();
    p.x = Math.random() * ARENA_W; p.y = Math.random() * ARENA_H;
    p.vx = 0; p.vy = 0; p.angle = 0; p.hp = 100;
    this.state.players.set(client.sessionId, p);
    players++;
  }
  onLeave(client) {
    this.state.players.delete(client.sessionId);
    this.inputs.delete(client.sessionId);
    players--;
  }
  update(dt) {
    const t = performance.now();
    const ids = [];
    this.state.players.forEach((p, id) => {
      const i = this.inputs.get(id);
      if (i) {
        p.vx = clamp((p.vx + i.mx * ACCEL * dt) * DRAG, -MAX_SPEED, MAX_SPEED);
        p.vy = clamp((p.vy + i.my * ACCEL * dt) * DRAG, -MAX_SPEED, MAX_SPEED);
        p.angle = i.aim;
        if (i.fire) ids.push(id);
      }
      p.x = clamp(p.x + p.vx * dt, 0, ARENA_W);
      p.y = clamp(p.y + p.vy * dt, 0, ARENA_H);
    });
    // A shot now and then hits someone (hp changes like the demo's hits).
    if (ids.length > 0 && Math.random() < 0.05) {
      const victim = this.state.players.get(ids[(Math.random() * ids.length) | 0]);
      if (victim) victim.hp = victim.hp > 20 ? victim.hp - 20 : 100;
    }
    const took = performance.now() - t;
    periodSim += took;
    periodWork += took;
  }
  broadcastPatch() {
    const t = performance.now();
    if (this.lastPatch !== 0 && t - this.lastPatch > 1.5 * (1000 / PATCH_HZ)) latePatches++;
    this.lastPatch = t;
    const r = super.broadcastPatch();
    periodWork += performance.now() - t;
    return r;
  }
}
function clamp(v, lo, hi) { return v < lo ? lo : v > hi ? hi : v; }

const port = Number(process.argv[2] || 2567);
const httpServer = http.createServer((req, res) => {
  if (req.url === '/status') {
    const body = JSON.stringify({
      players, tick_p99_ms: p99(simRing), tick_max_ms: max(simRing), work_p99_ms: p99(workRing),
      work_max_ms: max(workRing), superseded: 0, replaced: 0, late_patches: latePatches,
      loop_delay_p99_ms: loopDelay.percentile(99) / 1e6,
    }) + '\n';
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(404); res.end();
});
const gameServer = new Server({
  transport: new WebSocketTransport({ server: httpServer, perMessageDeflate: false }),
  greet: false,
});
gameServer.define('arena', ArenaRoom);
gameServer.listen(port, '127.0.0.1').then(() => console.log(`listening on ws://127.0.0.1:${port}`));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
