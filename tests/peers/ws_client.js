#!/usr/bin/env node
// A WebSocket client built on npm `ws`, a peer tickwire did not write.
// tests/interop points it at an in-process tickwire Server that echoes.
//
//   node ws_client.js URL --count N [--seed S] [--ca C] [--subprotocol P]
//                     [--close server|client] [--timeout SECONDS]
//
// Sends N binary messages of varied sizes (0, the frame-length boundaries
// 125/126/127 and 65535/65536/65537, then log-uniform up to 256 KiB), all at
// once, and checks every echo byte for byte and in order; prints "verified N".
// Then, with --close server (default), sends one more message, which asks the
// server to close; with --close client it closes with 1000 "done" itself.
// Prints "open PROTOCOL" ("-" for none), "closed CODE REASON" or "error ...".
// Exit status 0 only if every echo matched and the connection closed.
'use strict';

const fs = require('fs');
const WebSocket = require('ws');

function parse_args(argv) {
    const args = { url: argv[0], count: 200, seed: 1, ca: '', subprotocol: '', close: 'server', timeout: 20 };
    for (let i = 1; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (value === undefined) throw new Error(`${flag} needs a value`);
        if (flag === '--count') args.count = Number(value);
        else if (flag === '--seed') args.seed = Number(value);
        else if (flag === '--ca') args.ca = value;
        else if (flag === '--subprotocol') args.subprotocol = value;
        else if (flag === '--close') args.close = value;
        else if (flag === '--timeout') args.timeout = Number(value);
        else throw new Error(`unknown option ${flag}`);
    }
    return args;
}

// mulberry32: a tiny seeded PRNG, so a failing run can be replayed.
function prng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

function make_messages(count, seed) {
    const random = prng(seed);
    const boundaries = [0, 1, 125, 126, 127, 65535, 65536, 65537];
    const messages = [];
    for (let i = 0; i < count; ++i) {
        const size = i < boundaries.length
            ? boundaries[i]
            : Math.floor(Math.exp(random() * Math.log(256 * 1024 + 1))) - 1;
        const bytes = Buffer.alloc(size);
        for (let j = 0; j < size; ++j) bytes[j] = (random() * 256) | 0;
        messages.push(bytes);
    }
    return messages;
}

const args = parse_args(process.argv.slice(2));
const expected = make_messages(args.count, args.seed);
let received = 0;
let exit_status = 4;  // closed before every echo arrived

const options = {};
if (args.ca) options.ca = fs.readFileSync(args.ca);
const ws = args.subprotocol
    ? new WebSocket(args.url, [args.subprotocol], options)
    : new WebSocket(args.url, options);

function finish(status, line) {
    process.stdout.write(`${line}\n`, () => process.exit(status));
}

const timer = setTimeout(() => finish(5, `error timeout after ${received} echoes`), args.timeout * 1000);

ws.on('open', () => {
    process.stdout.write(`open ${ws.protocol || '-'}\n`);
    for (const message of expected) ws.send(message, { binary: true });
});

ws.on('message', (data, is_binary) => {
    if (received >= expected.length) return finish(3, 'error message after the last echo');
    if (!is_binary) return finish(3, `error echo ${received} was a text frame`);
    if (!data.equals(expected[received])) {
        return finish(3, `error echo ${received} differs: ${data.length} bytes, expected ${expected[received].length}`);
    }
    if (++received < expected.length) return;
    process.stdout.write(`verified ${received}\n`);
    exit_status = 0;
    if (args.close === 'client') ws.close(1000, 'done');
    else ws.send(Buffer.from('close please'), { binary: true });
});

ws.on('close', (code, reason) => {
    clearTimeout(timer);
    finish(exit_status, `closed ${code} ${reason.toString()}`);
});

ws.on('error', (err) => {
    clearTimeout(timer);
    finish(2, `error ${err.message}`);
});
