#!/usr/bin/env node
// A WebSocket echo server built on npm `ws`, a peer tickwire did not write.
// tests/interop starts it and connects a tickwire Channel to it.
//
//   node ws_echo_server.js [--host 127.0.0.1] [--port 0] [--cert C --key K]
//                          [--protocols a,b]
//
// Prints "listening PORT" once bound. Echoes every message with its opcode.
// A connection whose path starts with /info first receives one binary message
// describing its upgrade request ("path=...\nprotocol=...\nh.<name>=value\n"),
// so a test can check sub-protocol negotiation and extra headers. Exits when
// stdin closes, so it never outlives the test that started it.
'use strict';

const fs = require('fs');
const http = require('http');
const https = require('https');
const { WebSocketServer } = require('ws');

function parse_args(argv) {
    const args = { host: '127.0.0.1', port: 0, cert: '', key: '', protocols: [] };
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (value === undefined) throw new Error(`${flag} needs a value`);
        if (flag === '--host') args.host = value;
        else if (flag === '--port') args.port = Number(value);
        else if (flag === '--cert') args.cert = value;
        else if (flag === '--key') args.key = value;
        else if (flag === '--protocols') args.protocols = value.split(',').filter(Boolean);
        else throw new Error(`unknown option ${flag}`);
    }
    return args;
}

const args = parse_args(process.argv.slice(2));
const server = args.cert
    ? https.createServer({ cert: fs.readFileSync(args.cert), key: fs.readFileSync(args.key) })
    : http.createServer();

const wss = new WebSocketServer({
    server,
    // Choose in the server's order of preference among what the client offered;
    // none configured means no sub-protocol in the response.
    handleProtocols: (offered) => args.protocols.find((p) => offered.has(p)) ?? false,
});

wss.on('connection', (ws, request) => {
    if (request.url.startsWith('/info')) {
        let info = `path=${request.url}\nprotocol=${ws.protocol}\n`;
        for (const [name, value] of Object.entries(request.headers)) info += `h.${name}=${value}\n`;
        ws.send(Buffer.from(info), { binary: true });
    }
    ws.on('message', (data, is_binary) => ws.send(data, { binary: is_binary }));
    ws.on('error', (err) => console.error(`ws_echo_server: ${err.message}`));
});

server.listen(args.port, args.host, () => {
    process.stdout.write(`listening ${server.address().port}\n`);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
