#!/usr/bin/env python3
"""A working example bridge for Linli's generic signed JSON webhook (README.md here).

It receives what Linli sends at its callback URL (checking the signature), prints it, and
relays the lines typed on stdin to Linli as people's messages. Replace the printing and the
typing with your platform (a Wechaty bot, an SMS gateway, a hotline's operators) and you have
a bridge. Python 3 standard library only.

    LINLI_SECRET=... python3 bridge_example.py --port 9000 \\
        --linli http://127.0.0.1:8080/webhook/bridge

With the adapter {"type": "webhook", "name": "bridge", "secret": {"env": "LINLI_SECRET"},
"callback_url": "http://127.0.0.1:9000/linli"}. Lines on stdin:

    g:<chat> <user> <text>           a message in a group
    p <user> <text>                  a private message (its chat is the user id)
    g:<chat> <user> ^<id> <text>     a reply to Linli's message <id>
    g:<chat> <user> !<id> <data>     a press of a button of message <id>

Everything Linli sends is printed as one line, "<- <kind> #<id> <where>: <text>", newlines
shown as " | ", followed by its buttons as "   [<label>] !<id> <data>".
"""

import argparse
import hashlib
import hmac
import http.server
import itertools
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

WINDOW_S = 300


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """X-Linli-Signature: v1=hex(HMAC-SHA256(secret, timestamp + "." + body))."""
    mac = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(secret: bytes, headers, body: bytes, now: float) -> bool:
    ts = headers.get("X-Linli-Timestamp", "")
    presented = headers.get("X-Linli-Signature", "")
    if not ts.isdigit() or abs(now - int(ts)) > WINDOW_S:
        return False
    return hmac.compare_digest(presented, sign(secret, ts, body))


def event_from_line(line: str):
    """The JSON event for one typed line, or None when the line is not one."""
    parts = line.strip().split(" ", 2)
    if len(parts) < 3:
        return None
    where, user, rest = parts
    if where.startswith("g:") and len(where) > 2:
        chat, chat_type = where[2:], "group"
    elif where == "p":
        chat, chat_type = user, "private"
    else:
        return None
    event = {"id": str(uuid.uuid4()), "chat": chat, "chat_type": chat_type, "user": user,
             "user_name": user, "message_id": str(uuid.uuid4())}
    if rest[:1] in ("^", "!") and " " in rest:
        marker = rest[0]
        target, rest = rest[1:].split(" ", 1)
        event["reply_to"] = target
        if marker == "!":
            event["button"] = rest.strip()
            return event
    event["text"] = rest
    return event


class Bridge:
    def __init__(self, secret: bytes, linli_url: str):
        self.secret = secret
        self.linli_url = linli_url
        self.ids = itertools.count(1)
        self.lock = threading.Lock()

    def show(self, message: dict, message_id: str) -> None:
        where = ("private " + message.get("user", "") + " " + message.get("chat", "")).strip() \
            if message.get("private") else "g:" + message.get("chat", "")
        text = message.get("text", "").replace("\n", " | ")
        lines = [f"<- {message.get('kind')} #{message_id} {where}: {text}"]
        for row in message.get("buttons", []):
            for b in row:
                lines.append(f"   [{b.get('label')}] !{message_id} {b.get('data')}")
        with self.lock:
            print("\n".join(lines), flush=True)

    def post(self, event: dict) -> int:
        body = json.dumps(event, ensure_ascii=False).encode()
        ts = str(int(time.time()))
        request = urllib.request.Request(self.linli_url, data=body, method="POST", headers={
            "Content-Type": "application/json",
            "X-Linli-Timestamp": ts,
            "X-Linli-Signature": sign(self.secret, ts, body)})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as e:
            return e.code


def handler_for(bridge: Bridge):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(min(length, 1 << 20))
            if not verify(bridge.secret, self.headers, body, time.time()):
                self.send_response(401)
                self.end_headers()
                return
            message = json.loads(body)
            message_id = str(next(bridge.ids))
            bridge.show(message, message_id)
            answer = json.dumps({"id": message_id}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):  # quiet: stdout is the chat
            pass

    return Handler


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9000, help="where Linli calls back")
    parser.add_argument("--linli", required=True, help="Linli's webhook URL for this adapter")
    args = parser.parse_args()
    secret = os.environ.get("LINLI_SECRET", "")
    if not secret:
        print("LINLI_SECRET is not set", file=sys.stderr)
        return 2
    sys.stdin.reconfigure(encoding="utf-8", errors="replace")  # a broken line is still a line
    bridge = Bridge(secret.encode(), args.linli)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(bridge))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"listening 127.0.0.1:{server.server_address[1]}", flush=True)
    for line in sys.stdin:
        event = event_from_line(line)
        if event is None:
            if line.strip():
                print("?? " + line.strip(), flush=True)
            continue
        try:
            status = bridge.post(event)
        except OSError as e:  # Linli is down or unreachable: say so and go on
            print(f"!! Linli unreachable: {e}", flush=True)
            continue
        if status != 200:
            print(f"!! Linli answered {status}", flush=True)
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
