// Measures the HTTP streaming path: decode cost per chunk, end-to-end cost per chunk through
// URLSession from the fault server, time to the first text event, and how fast a cancel ends
// the reply and reaches the server. Run: swift run -c release http-stream-bench [chunks]
import Foundation
import ParleyCore
import ParleyHTTP
import ParleyTestSupport

let chunkCount = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 20_000

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func format(_ value: Double) -> String { String(format: "%.3f", value) }

let events = FaultResponse.openAIStreamEvents(pieces: Array(repeating: "tok ", count: chunkCount))
let streamText = events.map { "data: \($0)\n\n" }.joined()

// 1. Decoding alone: SSE framing, then framing and chunk interpretation, no network.
do {
    let bytes = Array(streamText.utf8)
    let clock = ContinuousClock()
    var framed = 0
    let framing = clock.measure {
        var decoder = SSEDecoder()
        framed = (decoder.feed(bytes) + decoder.finish()).count
    }
    print("framing only: \(framed) events in \(format(milliseconds(framing))) ms = \(format(milliseconds(framing) * 1000 / Double(chunkCount))) µs/chunk")
    var texts = 0
    let elapsed = clock.measure {
        var decoder = SSEDecoder()
        var interpreter = OpenAIChunkInterpreter(url: "bench")
        for output in decoder.feed(bytes) + decoder.finish() {
            if case .event(let event) = output, let produced = try? interpreter.interpret(event) {
                texts += produced.count
            }
        }
    }
    print("decode only: \(chunkCount) chunks in \(format(milliseconds(elapsed))) ms = \(format(milliseconds(elapsed) * 1000 / Double(chunkCount))) µs/chunk (\(texts) events)")
}

let request = ChatRequest(messages: [ChatMessage(role: .user, content: "bench")])

func backend(_ server: FaultServer) -> OpenAIBackend {
    OpenAIBackend(
        endpoint: OpenAIEndpoint(name: "bench", baseURL: server.baseURL, model: "bench", apiKey: .none),
        keyResolver: APIKeyResolver(environment: [:]))
}

// 2. End to end: the fault server writes every chunk as fast as it can (one HTTP chunk each).
for run in 1...3 {
    let server = try FaultServer()
    server.route("POST", "/v1/chat/completions", .sse(events))
    let clock = ContinuousClock()
    let start = clock.now
    var first: ContinuousClock.Instant?
    var texts = 0
    for try await event in backend(server).reply(to: request) {
        if case .text = event {
            if first == nil { first = clock.now }
            texts += 1
        }
    }
    let end = clock.now
    let firstMs = milliseconds(first! - start)
    let streamMs = milliseconds(end - first!)
    print("end to end run \(run): \(texts) text events; first text after \(format(firstMs)) ms (connect + request); then \(format(streamMs)) ms = \(format(streamMs * 1000 / Double(max(1, texts - 1)))) µs/chunk")
    server.stop()
}

// 3. Latency of one chunk: from the server writing it to the consumer seeing its text event,
// with chunks 50 ms apart so each travels alone.
do {
    let server = try FaultServer()
    server.route("POST", "/v1/chat/completions", .openAIStream(pieces: (0..<40).map { "p\($0) " }, delay: 0.05))
    var arrivals: [ContinuousClock.Instant] = []
    for try await event in backend(server).reply(to: request) {
        if case .text = event { arrivals.append(.now) }
    }
    // Writes: the role chunk, then one per piece.
    let writes = Array(server.bodyWriteTimes(to: "/v1/chat/completions").dropFirst().prefix(arrivals.count))
    let latencies = zip(writes, arrivals).map { milliseconds($1 - $0) }.sorted()
    print("chunk latency (server write -> text event), \(latencies.count) chunks: first \(format(milliseconds(arrivals[0] - writes[0]))) ms, median \(format(latencies[latencies.count / 2])) ms, max \(format(latencies.last!)) ms")
    server.stop()
}

// 4. Cancel: a slow stream, cancelled after its first text event.
for run in 1...3 {
    let server = try FaultServer()
    server.route("POST", "/v1/chat/completions", .openAIStream(pieces: Array(repeating: "slow ", count: 50), delay: 0.1))
    let started = AsyncStream<Void>.makeStream()
    let backend = backend(server)
    let task = Task {
        for try await event in backend.reply(to: request) {
            if case .text = event { started.continuation.yield() }
        }
    }
    var iterator = started.stream.makeAsyncIterator()
    _ = await iterator.next()
    let clock = ContinuousClock()
    let cancelAt = clock.now
    task.cancel()
    _ = await task.result
    let ended = clock.now
    while server.disconnectCount == 0 && clock.now - cancelAt < .seconds(5) {
        try await Task.sleep(for: .milliseconds(1))
    }
    let seen = clock.now
    print("cancel run \(run): reply stream ended \(format(milliseconds(ended - cancelAt))) ms after cancel; server saw the disconnect within \(format(milliseconds(seen - cancelAt))) ms")
    server.stop()
}

// 5. The whole product path, when the script passes the release `parley` binary in
// PARLEY_BENCH_CLI: `parley ask --base-url ...` as its own process, reply text read from its stdout.
// (a) first byte on stdout after the server wrote the first text chunk, chunks 50 ms apart;
// (b) cost per chunk from the first byte to the end of a 20,000-chunk burst (decode, stdout,
//     checkpoints to disk included).
if let cli = ProcessInfo.processInfo.environment["PARLEY_BENCH_CLI"] {
    /// Runs parley and returns the instants of its first stdout byte and of end of output.
    func runParley(_ server: FaultServer) throws -> (first: ContinuousClock.Instant, end: ContinuousClock.Instant, bytes: Int) {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("parley-http-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cli)
        process.arguments = ["ask", "--base-url", server.baseURL.absoluteString, "--model", "m", "go"]
        process.environment = ["PARLEY_HOME": home.path, "HOME": home.path, "PATH": "/usr/bin:/bin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var first: ContinuousClock.Instant?
        var bytes = 0
        let fd = pipe.fileHandleForReading.fileDescriptor
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            if first == nil { first = .now }
            bytes += n
        }
        let end = ContinuousClock.now
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "parley ask failed")
        return (first ?? end, end, bytes)
    }
    var firstByte: [Double] = []
    for _ in 1...5 {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: (0..<10).map { "p\($0) " }, delay: 0.05))
        let run = try runParley(server)
        // Writes: the role chunk, then the first text chunk.
        firstByte.append(milliseconds(run.first - server.bodyWriteTimes(to: "/v1/chat/completions")[1]))
        server.stop()
    }
    firstByte.sort()
    print("parley ask: first byte on stdout after the server's first text chunk, 5 runs: median \(format(firstByte[2])) ms, max \(format(firstByte[4])) ms")
    let server = try FaultServer()
    server.route("POST", "/v1/chat/completions", .openAIStream(pieces: (0..<chunkCount).map { "p\($0) " }))
    let run = try runParley(server)
    let streamMs = milliseconds(run.end - run.first)
    print("parley ask: \(chunkCount) chunks streamed to stdout (\(run.bytes) bytes) in \(format(streamMs)) ms after the first byte = \(format(streamMs * 1000 / Double(chunkCount))) µs/chunk")
    server.stop()
}
