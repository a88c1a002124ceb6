#!/usr/bin/env python3
"""A hostile OpenAI-compatible server for measuring Parley's caps (Benchmarks/caps-bench.sh) and
what waiting on a server costs (Benchmarks/http-cpu-bench.sh).

The first path segment picks the behaviour; the rest is the usual API:
  /reply-MB/v1/chat/completions   a streamed reply of MB megabytes of text, then [DONE]
  /endless/v1/models              a /models answer that never ends
  /error-endless/v1/chat/...      a 500 whose body never ends
  /ok/v1/chat/completions         a short reply
  /rate-N-S/v1/chat/completions   N tokens a second for S seconds, then [DONE]
  /closing-N-S/v1/...             the same, but every answer closes its connection
  /never/v1/...                   reads the request and never answers (until the client leaves)
  /close-kept-once-TAG/v1/...     the first POST (per TAG) that arrives on a connection which
                                  already answered a request is read, then the connection closed
                                  without a word; every other request as /rate-20-5
  /close-kept/v1/...              the same for every such POST (only POSTs on a new connection
                                  are answered)
The other answers keep their connection open, as most servers do.
Usage: hostile-server.py PORT_FILE [HOST [LOG_FILE]]  (writes the port it listens on, then serves
until killed; HOST defaults to 127.0.0.1; LOG_FILE gets one line a request: connection number,
method, path, body length)
"""
import http.server
import socketserver
import sys
import threading
import time

def token_chunk(text):
    return ('data: {"choices":[{"index":0,"delta":{"content":"%s"},"finish_reason":null}]}\n\n' % text).encode()


TEXT = "x" * 64
CHUNK = token_chunk(TEXT)
BLOCK = CHUNK * 512  # 32,768 bytes of text per block
DONE = b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'


LOG = None
LOCK = threading.Lock()
CONNECTIONS = [0]
CLOSED_ONCE = set()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        with LOCK:
            CONNECTIONS[0] += 1
            self.connection_number = CONNECTIONS[0]
        self.answered = 0

    def note(self, body_length):
        if LOG is not None:
            with LOCK:
                LOG.write("%d %s %s %d\n" % (self.connection_number, self.command, self.path, body_length))
                LOG.flush()

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        self.note(len(data))
        return data

    def wait_for_client_to_leave(self):
        self.close_connection = True
        try:
            while self.rfile.read(1):
                pass
        except OSError:
            pass

    def closing(self):
        """Ends the head; says the connection closes after this answer when the scenario wants it."""
        if self.path.split("/")[1].startswith("closing-"):
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()

    def stream_at_rate(self, rate, seconds):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.closing()
        start = time.monotonic()
        for index in range(int(rate * seconds)):
            delay = start + index / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self.chunk(token_chunk("tok%d " % index))
            self.wfile.flush()
        self.chunk(DONE)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def models(self):
        payload = b'{"object":"list","data":[{"id":"m"}]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.closing()
        self.wfile.write(payload)

    def patient(self, scenario):
        """The scenarios of http-cpu-bench; True when one of them answered."""
        if scenario == "never":
            self.read_body()
            self.wait_for_client_to_leave()
            return True
        drops = scenario == "close-kept" or scenario.startswith("close-kept-once-")
        if not (scenario.startswith("rate-") or scenario.startswith("closing-") or drops):
            return False
        self.read_body()
        try:
            if self.command == "GET":
                self.models()
            elif drops and self.answered > 0 and scenario not in CLOSED_ONCE:
                if scenario != "close-kept":
                    with LOCK:
                        CLOSED_ONCE.add(scenario)
                self.close_connection = True
                return True
            elif drops:
                self.stream_at_rate(20, 5)
            else:
                _, rate, seconds = scenario.split("-")
                self.stream_at_rate(float(rate), float(seconds))
        except OSError:
            self.close_connection = True
        self.answered += 1
        return True

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
        if self.patient(scenario):
            return
        if scenario == "endless":
            self.start(200, "application/json")
            self.chunk(b'{"object":"list","data":[{"id":"')
            block = b"a" * 65536
            try:
                while True:
                    self.chunk(block)
            except OSError:
                return
        self.models()

    def do_POST(self):
        scenario = self.path.split("/")[1]
        if self.patient(scenario):
            return
        self.body()
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
    if len(sys.argv) > 3:
        LOG = open(sys.argv[3], "a")
    server = Server((sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1", 0), Handler)
    with open(sys.argv[1], "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()
