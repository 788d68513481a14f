#!/usr/bin/python3
"""A WebSocket echo server built on Python `websockets`, a peer tickwire did not write.

tests/interop starts it (with /usr/bin/python3, Debian's python3-websockets)
and connects a tickwire Channel to it.

    py_echo_server.py [--host 127.0.0.1] [--port 0] [--cert C --key K]
                      [--protocols a,b]

Prints "listening PORT" once bound. Echoes every message with its opcode. A
connection whose path starts with /info first receives one binary message
describing its upgrade request ("path=...\\nprotocol=...\\nh.<name>=value\\n"), so
a test can check sub-protocol negotiation and extra headers. Exits when stdin
closes, so it never outlives the test that started it.
"""
import argparse
import asyncio
import os
import ssl
import sys

import websockets


async def echo(websocket):
    if websocket.path.startswith("/info"):
        info = f"path={websocket.path}\nprotocol={websocket.subprotocol or ''}\n"
        for name, value in websocket.request_headers.raw_items():
            info += f"h.{name.lower()}={value}\n"
        await websocket.send(info.encode())
    try:
        async for message in websocket:
            await websocket.send(message)
    except websockets.ConnectionClosed:
        pass


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cert", default="")
    parser.add_argument("--key", default="")
    parser.add_argument("--protocols", default="")
    args = parser.parse_args()

    context = None
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
    protocols = [p for p in args.protocols.split(",") if p] or None

    async with websockets.serve(echo, args.host, args.port, ssl=context,
                                subprotocols=protocols, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening {port}", flush=True)
        # Block a worker thread on stdin; its end means the test is gone.
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)
    os._exit(0)


if __name__ == "__main__":
    asyncio.run(main())
