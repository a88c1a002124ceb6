// The chat screen's figures: key press to updated cell buffer with a 10,000-message conversation
// open (also with write mode's draft panel), start-up to first frame with 10,000 stored conversations, and CPU while a reply streams at
// 2,000 tokens per second (paced by the test server). Run through Benchmarks/tui-bench.sh (a release build).
import Foundation
import ParleyCore
import ParleyStore
import ParleyTUI
import ParleyTestSupport

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
func ms(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e6 }
func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}
func fmt(_ value: Double) -> String { String(format: "%.3f", value) }

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    print("usage: parley-tui-bench PARLEY_BINARY WORK_DIRECTORY")
    exit(2)
}
let parley = arguments[1]
let work = URL(fileURLWithPath: arguments[2], isDirectory: true)
try? FileManager.default.removeItem(at: work)
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

// MARK: 1. Key press to cell buffer, 10,000 messages open.

func longConversation(_ count: Int) -> Conversation {
    var conversation = Conversation(id: "20270115-000000-bench0", title: "Ten thousand messages")
    conversation.messages = (0..<count).map { i in
        i % 2 == 0
            ? Message(id: "m\(i)", role: .user, content: "Question \(i): what about 东京 and **this** thing?")
            : Message(
                id: "m\(i)", role: .assistant,
                content: "Answer \(i) with `code` and a list:\n\n- one item that is long enough to wrap around a normal screen width\n- two\n\n```\nlet x = \(i)\n```")
    }
    return conversation
}

do {
    let layout = TranscriptLayout()
    let reducer = ChatReducer(layout: layout)
    let view = ChatView(layout: layout)
    var state = ChatState(
        width: 120, height: 40, conversation: longConversation(10_000), isStored: true, persona: "assistant",
        backend: BackendInfo(name: "openai", model: "m", contextSize: 8192))
    _ = view.render(state)
    var typing: [Double] = []
    var paging: [Double] = []
    let keys: [Key] = Array("the quick brown fox jumps over the lazy dog ").map { .character($0) }
    for i in 0..<3000 {
        let start = now()
        _ = reducer.reduce(&state, .input(.key(keys[i % keys.count])))
        _ = view.render(state)
        typing.append(ms(now() - start))
    }
    for i in 0..<400 {
        let start = now()
        _ = reducer.reduce(&state, .input(.key(i % 40 < 20 ? .pageUp : .pageDown)))
        _ = view.render(state)
        paging.append(ms(now() - start))
    }
    print("key press -> cell buffer, 10,000 messages, 120x40: typing median \(fmt(percentile(typing, 0.5))) ms, p99 \(fmt(percentile(typing, 0.99))) ms (3000 keys)")
    print("PgUp/PgDn -> cell buffer, 10,000 messages, 120x40: median \(fmt(percentile(paging, 0.5))) ms, p99 \(fmt(percentile(paging, 0.99))) ms (400 keys)")
}

// MARK: 1b. The same with write mode's draft panel (WriteModeBench.swift).

try measureWriteMode()

// MARK: 2. Start-up to first frame with 10,000 stored conversations.

let storeRoot = work.appendingPathComponent("store")
do {
    let generator = try ConversationStore(root: storeRoot, diagnostics: { _ in }, fileSync: FileSync(sync: { _ in 0 }))
    let base = Date(timeIntervalSince1970: 1_800_000_000)
    for i in 0..<10_000 {
        var conversation = Conversation(id: String(format: "20270115-%06d-bench", i), title: "Conversation \(i)", createdAt: base.addingTimeInterval(Double(i) * 60))
        conversation.messages = (0..<(2 + i % 8)).map { Message(id: "m\($0)", role: $0 % 2 == 0 ? .user : .assistant, content: "Message \($0) 一些文字 words") }
        try generator.create(conversation)
    }
    // The first listing builds index.json, as any earlier run of parley would have.
    _ = try ConversationStore(root: storeRoot, diagnostics: { _ in }).list()
    func startUp() throws -> Double {
        let start = now()
        let store = try ConversationStore(root: storeRoot, diagnostics: { _ in })
        let last = try store.mostRecent()!
        let stored = try store.load(id: last.id)
        let state = ChatState(
            width: 120, height: 40, conversation: stored.conversation, isStored: true, persona: "assistant",
            backend: BackendInfo(name: "openai", model: "m", contextSize: 8192))
        _ = ChatView(layout: TranscriptLayout()).render(state)
        return ms(now() - start)
    }
    settleStore()
    let settled = try (0..<10).map { _ in try startUp() }
    print("in-process start-up (open store, --continue lookup, load, first frame), 10,000 conversations, nothing saved since the last listing: median \(fmt(percentile(settled, 0.5))) ms")
    var afterSave: [Double] = []
    for _ in 0..<10 {
        touchConversationsDirectory()
        afterSave.append(try startUp())
    }
    print("the same right after a save (the lookup is a listing: a stat per file and the index): median \(fmt(percentile(afterSave, 0.5))) ms")
}

/// A save renames a file into conversations/: creating and removing a file there moves the
/// directory's mtime the same way.
func touchConversationsDirectory() {
    let file = storeRoot.appendingPathComponent("conversations/touch.tmp").path
    _ = FileManager.default.createFile(atPath: file, contents: Data())
    unlink(file)
}

/// Waits until the last change to conversations/ is old enough to vouch for (2 s) and lists, as
/// the first `parley --continue` after a chat does: from then on newest.json answers.
func settleStore() {
    sleep(3)
    _ = try? ConversationStore(root: storeRoot, diagnostics: { _ in }).list()
}

// MARK: tmux helpers for the real binary.

func spawn(_ argv: [String], output: String = "/dev/null") -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
    var cArguments = argv.map { strdup($0) } + [nil]
    var pid: pid_t = 0
    let result = posix_spawnp(&pid, argv[0], &actions, &attributes, cArguments, environ)
    for pointer in cArguments { free(pointer) }
    cArguments.removeAll()
    posix_spawn_file_actions_destroy(&actions)
    posix_spawnattr_destroy(&attributes)
    guard result == 0 else { return -1 }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return status
}

let socket = "parley-tui-bench-\(getpid())"
// Where tmux keeps this server's socket, to remove it at the end.
nonisolated(unsafe) var socketPath = ""
let captureFile = work.appendingPathComponent("capture.txt").path
func tmux(_ arguments: [String]) { _ = spawn(["tmux", "-L", socket, "-f", "/dev/null"] + arguments) }
func capture() -> String {
    _ = spawn(["tmux", "-L", socket, "-f", "/dev/null", "capture-pane", "-p"], output: captureFile)
    return (try? String(contentsOfFile: captureFile, encoding: .utf8)) ?? ""
}
func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
func startParley(_ args: [String], home: String, pidFile: String, environment: [String] = []) {
    let command = "echo $$ > \(quote(pidFile)); exec env \(environment.map(quote).joined(separator: " ")) PARLEY_HOME=\(quote(home)) HOME=\(quote(work.path)) XDG_CONFIG_HOME=\(quote(work.path + "/config")) LANG=C.UTF-8 " + ([parley] + args).map(quote).joined(separator: " ")
    tmux(["new-session", "-d", "-x", "120", "-y", "40", "sh -c \(quote(command)); sleep 600"])
    if socketPath.isEmpty {
        _ = spawn(["tmux", "-L", socket, "-f", "/dev/null", "display-message", "-p", "#{socket_path}"], output: captureFile)
        socketPath = ((try? String(contentsOfFile: captureFile, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
func cpuSeconds(_ pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
    return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
}
func waitUntil(_ timeout: Double, _ condition: (String) -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition(capture()) { return true }
        usleep(2_000)
    }
    return false
}

let server = try FaultServer()
defer {
    tmux(["kill-server"])
    unlink(socketPath)
}

// MARK: 2b. The real binary: exec to the first frame over 10,000 conversations, with --continue
// (which looks up the newest conversation) and without (a new conversation).

settleStore()
for (label, extra, header, touch) in [
    ("parley --continue, nothing saved since the last listing", ["--continue"], " Parley · Conversation 9999", false),
    ("parley --continue right after a save", ["--continue"], " Parley · Conversation 9999", true),
    ("parley (new conversation)", [], " Parley · New conversation", false),
] {
    var times: [Double] = []
    for run in 0..<5 {
        if touch { touchConversationsDirectory() }
        tmux(["kill-server"])
        usleep(300_000)  // let the old server finish exiting before a new one takes the socket
        let pidFile = work.appendingPathComponent("startup-\(run).pid").path
        let start = now()
        startParley(extra + ["--base-url", server.baseURL.absoluteString, "--model", "m"], home: storeRoot.path, pidFile: pidFile)
        if waitUntil(20, { $0.contains(header) && $0.contains("idle") }) {
            times.append(ms(now() - start))
        }
    }
    tmux(["kill-server"])
    if times.isEmpty {
        print("binary start-up, \(label): the first frame never appeared")
    } else {
        print("binary start-up to first frame (tmux new-session -> frame seen by capture-pane, 2 ms polling), \(label), 10,000 conversations: median \(fmt(percentile(times, 0.5))) ms, max \(fmt(times.max()!)) ms (\(times.count) of 5 runs)")
    }
}

// MARK: 3. CPU while a reply streams at 2,000 tokens per second.

/// CPU seconds of each thread of a process, summed by thread name (libdispatch names its worker
/// threads after their queues: the HTTP client's run on overcommit queues, Swift's tasks on the
/// default-QoS root queue).
func cpuSecondsByThreadName(_ pid: Int32) -> [String: Double] {
    var result: [String: Double] = [:]
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
    for task in tasks {
        let name = ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)) ?? "?")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { continue }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        result[name, default: 0] += ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
    return result
}

let streamedTokens = 20_000
let streamedPieces = (0..<streamedTokens).map { "tok\($0 % 100) " + ($0 % 25 == 24 ? "\n\n" : "") }
/// 2,000 chunks a second in batches of 20 every 10 ms, each chunk one piece of text.
let pacedServer: PacedStreamServer = try {
    let events = FaultResponse.openAIStreamEvents(pieces: streamedPieces).map { Array("data: \($0)\n\n".utf8) }
    return try PacedStreamServer(
        head: events[0], chunks: Array(events[1...streamedTokens]), tail: Array(events[(streamedTokens + 1)...].joined()),
        perSecond: 2_000, perBatch: 20)
}()
do {
    let pieces = streamedPieces
    let home = work.appendingPathComponent("stream").path
    let pidFile = work.appendingPathComponent("stream.pid").path
    let frameStats = work.appendingPathComponent("frames.txt").path
    startParley(
        ["--base-url", pacedServer.baseURL, "--model", "m"], home: home, pidFile: pidFile,
        environment: ["PARLEY_FRAME_STATS=\(frameStats)"])
    guard waitUntil(20, { $0.contains("Message (Enter sends") }),
        let pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
    else {
        print("streaming: parley did not start")
        exit(1)
    }
    let idleBefore = cpuSeconds(pid)
    sleep(2)
    let idleCPU = cpuSeconds(pid) - idleBefore
    print("idle CPU over 2 s: \(fmt(idleCPU)) s (\(fmt(idleCPU / 2 * 100)) %)")
    tmux(["send-keys", "-l", "stream please"])
    tmux(["send-keys", "Enter"])
    _ = waitUntil(20, { $0.contains("streaming") })
    let cpuStart = cpuSeconds(pid)
    let threadsStart = cpuSecondsByThreadName(pid)
    let wallStart = now()
    // Look at the screen only every 100 ms, so the benchmark's own tmux calls stay out of the way.
    var finished = false
    let deadline = Date().addingTimeInterval(120)
    while Date() < deadline {
        if capture().contains("idle ·") {
            finished = true
            break
        }
        usleep(100_000)
    }
    let wall = Double(now() - wallStart) / 1e9
    let cpu = cpuSeconds(pid) - cpuStart
    let threadsEnd = cpuSecondsByThreadName(pid)
    let rate = Double(pieces.count) / wall
    let sent = pacedServer.lastStream
    print("streaming \(pieces.count) tokens: the server sent them in \(fmt(sent.seconds)) s (\(String(format: "%.0f", Double(sent.chunks) / sent.seconds)) chunks/s); the screen showed the reply for \(fmt(wall)) s (\(String(format: "%.0f", rate)) tokens/s\(finished ? "" : ", did not finish")): parley CPU \(fmt(cpu)) s = \(String(format: "%.1f", cpu / wall * 100)) % of one core")
    let byThread = threadsEnd.map { ($0.key, $0.value - (threadsStart[$0.key] ?? 0)) }.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
    print("  by thread name: " + byThread.map { "\($0.0) \(String(format: "%.1f", $0.1 / wall * 100)) %" }.joined(separator: ", "))
    // Leave (Ctrl-D on the empty input) so parley writes its frame counts.
    tmux(["send-keys", "C-d"])
    var counts = ""
    for _ in 0..<200 where counts.isEmpty {
        usleep(50_000)
        counts = (try? String(contentsOfFile: frameStats, encoding: .utf8)) ?? ""
    }
    let streamingFrames = counts.split(separator: "\n").first { $0.hasPrefix("frames while a reply streamed ") }
        .flatMap { Int($0.split(separator: " ").last ?? "") }
    if let streamingFrames {
        print("frames drawn while the reply streamed (parley's own count): \(streamingFrames) = \(String(format: "%.1f", Double(streamingFrames) / wall)) per second")
    } else {
        print("frames drawn while the reply streamed: parley wrote no count")
    }
}

// MARK: 3b. The same stream through 'parley ask' (engine and HTTP client, no screen), for comparison.

do {
    let start = now()
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = [parley, "ask", "--base-url", pacedServer.baseURL, "--model", "m", "--storage", work.appendingPathComponent("ask").path, "stream please"]
    var cArguments = argv.map { strdup($0) } + [nil]
    var pid: pid_t = 0
    _ = posix_spawn(&pid, parley, &actions, nil, cArguments, environ)
    for pointer in cArguments { free(pointer) }
    cArguments.removeAll()
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let wall = Double(now() - start) / 1e9
    let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    print("the same \(streamedTokens)-token stream through 'parley ask' (no screen): \(fmt(wall)) s, CPU \(fmt(cpu)) s = \(String(format: "%.1f", cpu / wall * 100)) % of one core")
}
