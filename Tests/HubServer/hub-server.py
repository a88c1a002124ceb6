#!/usr/bin/env python3
"""A Hub-compatible test server for `parley models pull` (tests and Benchmarks/pull-bench.sh).

Serves the repositories under ROOT (ROOT/OWNER/REPO/FILE) on two loopback addresses, as the Hub
does with its file store on another host:
  hub  127.0.0.1:P  GET /api/models/OWNER/REPO/tree/main    the file list (path, size, lfs.oid)
                    GET /OWNER/REPO/resolve/main/FILE       302 to the file store (another host)
                    GET /plain/OWNER/REPO/FILE              the file itself, no redirect
                    GET /_log                               what was asked and how many bytes went out
  cdn  127.0.0.2:Q  GET /cdn/OWNER/REPO/FILE                the file, with Range support
Faults, from the command line:
  --require-token T   listing and resolve answer 401 without "Authorization: Bearer T"
  --drop-after N      a file answer closes the connection after N body bytes ...
  --drop-times K      ... for the first K answers (default 1)
  --wrong-hash        the listing gives a SHA-256 that is not the file's
  --throttle BPS      file answers send at most BPS bytes a second (for tests that kill a pull)
  --ignore-range      file answers always send the whole file with 200
Writes {"hub": URL, "cdn": URL} to PORT_FILE once listening, then serves until killed.
"""
import argparse
import hashlib
import json
import os
import threading
import time
import http.server
import socketserver

args = None
lock = threading.Lock()
log = []
drops_left = 0
hashes = {}
cdn_base = ""


def file_sha256(path):
    with lock:
        if path in hashes:
            return hashes[path]
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    with lock:
        hashes[path] = digest.hexdigest()
    return hashes[path]


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def record(self, status, sent=0):
        entry = {
            "host": self.headers.get("Host", ""),
            "path": self.path,
            "range": self.headers.get("Range"),
            "authorization": self.headers.get("Authorization"),
            "status": status,
            "sent": sent,
        }
        with lock:
            log.append(entry)
        return entry

    def answer(self, status, body, content_type="application/json", extra=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.record(status, len(data))

    def authorized(self):
        if not args.require_token:
            return True
        if self.headers.get("Authorization") == "Bearer " + args.require_token:
            return True
        self.answer(401, {"error": "Invalid credentials in Authorization header"})
        return False

    def repo_dir(self, owner, repo):
        path = os.path.join(args.root, owner, repo)
        return path if os.path.isdir(path) else None

    def do_GET(self):
        parts = self.path.split("?")[0].split("/")[1:]
        if self.server.role == "cdn":
            if len(parts) >= 4 and parts[0] == "cdn":
                return self.send_file(os.path.join(args.root, *parts[1:]))
            return self.answer(404, {"error": "Entry not found"})
        if parts == ["_log"]:
            with lock:
                snapshot = json.dumps({"requests": log}).encode()
            return self.answer(200, snapshot)
        if len(parts) >= 6 and parts[:2] == ["api", "models"] and parts[4:6] == ["tree", "main"]:
            return self.tree(parts[2], parts[3])
        if len(parts) >= 5 and parts[2:4] == ["resolve", "main"]:
            return self.resolve(parts[0], parts[1], "/".join(parts[4:]))
        if len(parts) >= 4 and parts[0] == "plain":
            return self.send_file(os.path.join(args.root, *parts[1:]))
        self.answer(404, {"error": "Entry not found"})

    def tree(self, owner, repo):
        if not self.authorized():
            return
        directory = self.repo_dir(owner, repo)
        if directory is None:
            return self.answer(404, {"error": "Repository not found"})
        entries = []
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if not os.path.isfile(path):
                entries.append({"type": "directory", "path": name, "oid": "0" * 40, "size": 0})
                continue
            size = os.path.getsize(path)
            sha = hashlib.sha256(b"not this file").hexdigest() if args.wrong_hash else file_sha256(path)
            entry = {"type": "file", "path": name, "oid": "1" * 40, "size": size}
            if name.endswith(".gguf"):
                entry["lfs"] = {"oid": sha, "size": size, "pointerSize": 134}
            entries.append(entry)
        self.answer(200, entries)

    def resolve(self, owner, repo, name):
        if not self.authorized():
            return
        directory = self.repo_dir(owner, repo)
        if directory is None:
            return self.answer(404, {"error": "Repository not found"})
        if not os.path.isfile(os.path.join(directory, name)):
            return self.answer(404, {"error": "Entry not found"})
        location = "%s/cdn/%s/%s/%s" % (cdn_base, owner, repo, name)
        self.answer(302, b"", "text/plain", {"Location": location})

    def send_file(self, path):
        global drops_left
        if not os.path.isfile(path):
            return self.answer(404, {"error": "Entry not found"})
        size = os.path.getsize(path)
        start, end = 0, size - 1
        status = 200
        header = self.headers.get("Range")
        if header and header.startswith("bytes=") and not args.ignore_range:
            first, _, last = header[6:].partition("-")
            start = int(first) if first else 0
            end = min(int(last), size - 1) if last else size - 1
            if start >= size or end < start:
                return self.answer(416, b"", "text/plain", {"Content-Range": "bytes */%d" % size})
            status = 206
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(end + 1 - start))
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.end_headers()
        entry = self.record(status, 0)
        limit = end + 1 - start
        with lock:
            if args.drop_after is not None and drops_left > 0:
                drops_left -= 1
                limit = min(limit, args.drop_after)
        block = 1 << 20 if not args.throttle else max(1, min(1 << 16, args.throttle // 10))
        sent = 0
        began = time.monotonic()
        with open(path, "rb") as f:
            f.seek(start)
            while sent < limit:
                data = f.read(min(block, limit - sent))
                if not data:
                    break
                try:
                    self.wfile.write(data)
                except OSError:
                    break
                sent += len(data)
                with lock:
                    entry["sent"] = sent
                if args.throttle:
                    ahead = sent / args.throttle - (time.monotonic() - began)
                    if ahead > 0:
                        time.sleep(ahead)
        if sent < end + 1 - start:
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass


def main():
    global args, drops_left, cdn_base
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--require-token")
    parser.add_argument("--drop-after", type=int)
    parser.add_argument("--drop-times", type=int, default=1)
    parser.add_argument("--wrong-hash", action="store_true")
    parser.add_argument("--throttle", type=int)
    parser.add_argument("--ignore-range", action="store_true")
    args = parser.parse_args()
    drops_left = args.drop_times
    hub = Server(("127.0.0.1", 0), Handler)
    hub.role = "hub"
    cdn = Server(("127.0.0.2", 0), Handler)
    cdn.role = "cdn"
    cdn_base = "http://127.0.0.2:%d" % cdn.server_address[1]
    threading.Thread(target=cdn.serve_forever, daemon=True).start()
    with open(args.port_file + ".tmp", "w") as f:
        json.dump({"hub": "http://127.0.0.1:%d" % hub.server_address[1], "cdn": cdn_base}, f)
    os.rename(args.port_file + ".tmp", args.port_file)
    hub.serve_forever()


if __name__ == "__main__":
    main()
