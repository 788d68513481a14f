#!/usr/bin/python3
"""A WebSocket client built on Python `websockets`, a peer tickwire did not write.

tests/interop points it at an in-process tickwire Server that echoes.

    py_client.py URL [--count N] [--seed S] [--ca C] [--subprotocol P]
                     [--close server|client] [--timeout SECONDS]

Sends N binary messages of varied sizes (0, the frame-length boundaries
125/126/127 and 65535/65536/65537, then log-uniform up to 256 KiB), all at
once, and checks every echo byte for byte and in order; prints "verified N".
Then, with --close server (default), sends one more message, which asks the
server to close; with --close client it closes with 1000 "done" itself.
Prints "open PROTOCOL" ("-" for none), "closed CODE REASON" or "error ...".
Exit status 0 only if every echo matched and the connection closed.
"""
import argparse
import asyncio
import math
import random
import ssl
import sys

import websockets


def make_messages(count, seed):
    rng = random.Random(seed)
    boundaries = [0, 1, 125, 126, 127, 65535, 65536, 65537]
    messages = []
    for i in range(count):
        if i < len(boundaries):
            size = boundaries[i]
        else:
            size = int(math.exp(rng.random() * math.log(256 * 1024 + 1))) - 1
        messages.append(rng.randbytes(size))
    return messages


def say(line):
    print(line, flush=True)


async def exchange(args):
    expected = make_messages(args.count, args.seed)
    context = ssl.create_default_context(cafile=args.ca) if args.ca else None
    subprotocols = [args.subprotocol] if args.subprotocol else None
    async with websockets.connect(args.url, ssl=context, subprotocols=subprotocols,
                                  max_size=None) as ws:
        say(f"open {ws.subprotocol or '-'}")

        async def send_all():
            for message in expected:
                await ws.send(message)

        sender = asyncio.create_task(send_all())
        status = 4  # closed before every echo arrived
        try:
            for index, message in enumerate(expected):
                echo = await ws.recv()
                if not isinstance(echo, bytes):
                    say(f"error echo {index} was a text frame")
                    return 3
                if echo != message:
                    say(f"error echo {index} differs: {len(echo)} bytes, expected {len(message)}")
                    return 3
            await sender
            say(f"verified {len(expected)}")
            status = 0
            if args.close == "client":
                await ws.close(1000, "done")
            else:
                await ws.send(b"close please")
                await ws.wait_closed()
        except websockets.ConnectionClosed:
            pass
        say(f"closed {ws.close_code} {ws.close_reason}")
        return status


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ca", default="")
    parser.add_argument("--subprotocol", default="")
    parser.add_argument("--close", choices=["server", "client"], default="server")
    parser.add_argument("--timeout", type=float, default=20)
    args = parser.parse_args()
    try:
        status = asyncio.run(asyncio.wait_for(exchange(args), timeout=args.timeout))
    except asyncio.TimeoutError:
        say("error timeout")
        status = 5
    except Exception as error:  # refused, TLS, handshake: the test prints it
        say(f"error {type(error).__name__}: {error}")
        status = 2
    sys.exit(status)


if __name__ == "__main__":
    main()
