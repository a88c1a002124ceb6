#!/usr/bin/env python3
"""A hostile OpenAI-compatible server for measuring Parley's caps (Benchmarks/caps-bench.sh).

The first path segment picks the behaviour; the rest is the usual API:
  /reply-MB/v1/chat/completions   a streamed reply of MB megabytes of text, then [DONE]
  /endless/v1/models              a /models answer that never ends
  /error-endless/v1/chat/...      a 500 whose body never ends
  /ok/v1/chat/completions         a short reply
Usage: hostile-server.py PORT_FILE  (writes the port it listens on, then serves until killed)
"""
import http.server
import socketserver
import sys

TEXT = "x" * 64
CHUNK = ('data: {"choices":[{"index":0,"delta":{"content":"%s"},"finish_reason":null}]}\n\n' % TEXT).encode()
BLOCK = CHUNK * 512  # 32,768 bytes of text per block
DONE = b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def start(self, status, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)

    def do_GET(self):
        scenario = self.path.split("/")[1]
        if scenario == "endless":
            self.start(200, "application/json")
            self.chunk(b'{"object":"list","data":[{"id":"')
            block = b"a" * 65536
            try:
                while True:
                    self.chunk(block)
            except OSError:
                return
        payload = b'{"object":"list","data":[{"id":"m"}]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self):
        self.body()
        scenario = self.path.split("/")[1]
        try:
            if scenario.startswith("reply-"):
                self.start(200, "text/event-stream")
                blocks = int(scenario[6:]) * (1 << 20) // (len(TEXT) * 512)
                for _ in range(blocks):
                    self.chunk(BLOCK)
                self.chunk(DONE)
                self.wfile.write(b"0\r\n\r\n")
            elif scenario == "error-endless":
                self.start(500, "application/json")
                self.chunk(b'{"error":{"message":"')
                block = b"e" * 65536
                while True:
                    self.chunk(block)
            else:
                self.start(200, "text/event-stream")
                self.chunk(CHUNK + DONE)
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            return


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


if __name__ == "__main__":
    server = Server(("127.0.0.1", 0), Handler)
    with open(sys.argv[1], "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()
