// Measures the ParleyStore costs that must stay flat as history grows. Run through
// Benchmarks/store-bench.sh (a release build). Prints a table of medians.
import Foundation
import ParleyCore
import ParleyStore

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func milliseconds(_ value: Double) -> String { String(format: "%10.3f ms", value * 1000) }

func message(_ i: Int, role: Role) -> Message {
    Message(
        id: "m\(i)", role: role,
        content: "Message \(i): " + String(repeating: "some words of a conversation, 一些文字 ", count: 4))
}

let arguments = CommandLine.arguments
let work = URL(
    fileURLWithPath: arguments.count > 1 ? arguments[1] : NSTemporaryDirectory() + "parley-store-bench-\(getpid())",
    isDirectory: true)
let conversationCount = 10_000
let longLength = 5_000
try? FileManager.default.removeItem(at: work)
defer { try? FileManager.default.removeItem(at: work) }

var rows: [(String, String)] = []
@MainActor func row(_ name: String, _ value: String) {
    rows.append((name, value))
    print("  \(name): \(value)")
}

// 1. Listing 10,000 conversations. Generated without fsync (setup only), listed with the real store.
let listRoot = work.appendingPathComponent("list")
let generator = try ConversationStore(root: listRoot, diagnostics: { _ in }, fileSync: FileSync(sync: { _ in 0 }))
let base = Date(timeIntervalSince1970: 1_800_000_000)
let generation = try seconds {
    for i in 0..<conversationCount {
        let created = base.addingTimeInterval(Double(i) * 60)
        let id = String(format: "20270115-%06d-bench", i)
        var conversation = Conversation(id: id, title: i % 3 == 0 ? "" : "Conversation \(i)", createdAt: created)
        conversation.messages = (0..<(2 + i % 8)).map { message($0, role: $0 % 2 == 0 ? .user : .assistant) }
        try generator.create(conversation)
    }
}
print("generated \(conversationCount) conversations in \(String(format: "%.1f", generation)) s")
let lister = try ConversationStore(root: listRoot, diagnostics: { print("  notice: \($0)") })
try? FileManager.default.removeItem(at: listRoot.appendingPathComponent("index.json"))
var listed = 0
let cold = try seconds { listed = try lister.list().count }
precondition(listed == conversationCount, "listed \(listed)")
row("list 10,000 conversations, cold (no index)", milliseconds(cold))
var warm: [Double] = []
for _ in 0..<7 { warm.append(try seconds { listed = try lister.list().count }) }
row("list 10,000 conversations, warm (index), median of 7", milliseconds(median(warm)))
var limited: [Double] = []
for _ in 0..<7 { limited.append(try seconds { _ = try lister.list(limit: 20) }) }
row("list(limit: 20) of 10,000, warm, median of 7", milliseconds(median(limited)))

// The same listing through the command line, process start included, when the script passes the
// release `parley` binary: what a user waits for after typing `parley history list`.
if let cli = ProcessInfo.processInfo.environment["PARLEY_BENCH_CLI"] {
    var runs: [Double] = []
    for _ in 0..<7 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cli)
        process.arguments = ["history", "list", "--storage", listRoot.path]
        process.standardOutput = FileHandle.nullDevice
        runs.append(try seconds {
            try process.run()
            process.waitUntilExit()
        })
        precondition(process.terminationStatus == 0, "parley history list failed")
    }
    row("`parley history list` of 10,000, warm, median of 7", milliseconds(median(runs)))
}

// 2. Saving a turn and writing a checkpoint, in a short and a long conversation (real fsync).
let turnRoot = work.appendingPathComponent("turns")
let store = try ConversationStore(root: turnRoot, diagnostics: { print("  notice: \($0)") })
for (id, length) in [("short", 10), ("long", longLength)] {
    var conversation = Conversation(id: id, title: id)
    conversation.messages = (0..<length).map { message($0, role: $0 % 2 == 0 ? .user : .assistant) }
    try store.create(conversation)
}
for (id, length) in [("short", 10), ("long", longLength)] {
    var saves: [Double] = []
    for i in 0..<(length > 100 ? 15 : 50) {
        saves.append(try seconds {
            try store.update(id: id) { $0.messages.append(message(100_000 + i, role: .user)) }
        })
    }
    row("save a turn (update) at \(length) messages, median", milliseconds(median(saves)))
}
for (id, length) in [("short", 10), ("long", longLength)] {
    var loads: [Double] = []
    for _ in 0..<9 { loads.append(try seconds { _ = try store.load(id: id) }) }
    row("load at \(length) messages, median of 9", milliseconds(median(loads)))
}
let reply = String(repeating: "streamed reply text 流式回复 ", count: 60)
// Writes alternate between the two conversations so machine load hits both alike.
let shortCheckpoint = try store.beginReply(conversationID: "short", messageID: "reply-short")
let longCheckpoint = try store.beginReply(conversationID: "long", messageID: "reply-long")
var shortWrites: [Double] = []
var longWrites: [Double] = []
for i in 0..<200 {
    let content = String(reply.prefix(200 + i * 5))
    shortWrites.append(try seconds { try shortCheckpoint.write(content: content, reasoning: nil) })
    longWrites.append(try seconds { try longCheckpoint.write(content: content, reasoning: nil) })
}
row("checkpoint write at 10 messages, median of 200", milliseconds(median(shortWrites)))
row("checkpoint write at \(longLength) messages, median of 200", milliseconds(median(longWrites)))
row("finish a reply at 10 messages", milliseconds(try seconds { try shortCheckpoint.finish { $0.status = .complete } }))
row("finish a reply at \(longLength) messages", milliseconds(try seconds { try longCheckpoint.finish { $0.status = .complete } }))

print("")
if let load = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) {
    print("load average while measuring: \(load.split(separator: " ").prefix(3).joined(separator: " "))")
}
print("| measurement | time |")
print("|---|---|")
for (name, value) in rows { print("| \(name) | \(value.trimmingCharacters(in: .whitespaces)) |") }
