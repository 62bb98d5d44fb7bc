#!/usr/bin/env python3
"""A tiny app server to put behind the gateway in the examples.

    python3 examples/app-server.py 3000

It listens on 127.0.0.1 at the port given, answers GET /health with 200 "ok", and every other GET with
"hello from app on port PORT", so that you can see which server answered. It speaks HTTP/1.1 with keep-alive,
as most app servers do, so that the gateway can reuse its connections. It logs nothing.
"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port = int(sys.argv[1])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b"ok\n" if self.path == "/health" else f"hello from app on port {port}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
