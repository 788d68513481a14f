// Node.js `ws` echo server for bench/compare.sh: every message goes back to
// its sender, binary stays binary. No compression (like tickwire and Beast).
//
//   node ws_echo_server.js PORT     # prints "listening on ws://127.0.0.1:PORT"
'use strict';
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || 0);
const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, maxPayload: 16 << 20, backlog: 4096 });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => {});
});
wss.on('listening', () => console.log(`listening on ws://127.0.0.1:${wss.address().port}`));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
