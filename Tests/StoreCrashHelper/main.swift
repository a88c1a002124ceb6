// A process the ParleyStore tests start and kill at random moments. Each mode prints one line to
// stdout after every durable step (`ack <n>`), so the test knows what must have survived.
//
//   stream <root> <id>        create <id> with a user message, stream a growing reply forever
//   save-loop <root> <id>     create <id>, then append a message per `update`, forever
//   append <root> <id> <n> <tag>  append n messages "<tag>-<i>" to an existing <id>
//   hold-lock <root> <id>     take <id>'s lock inside `update` and sleep
//   umask-zero <root>         under umask 000, exercise every kind of file the store writes
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyCore
import ParleyStore
import ParleyTestSupport

func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ text: String) -> Never {
    FileHandle.standardError.write(Data(("crash-helper: " + text + "\n").utf8))
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else { fail("usage: <mode> <root> [id] ...") }
let mode = arguments[1]
let root = URL(fileURLWithPath: arguments[2], isDirectory: true)
if mode == "umask-zero" { umask(0) }
let store: ConversationStore
do {
    store = try ConversationStore(root: root, diagnostics: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
} catch {
    fail("\(error)")
}

func run() throws {
    switch mode {
    case "stream":
        let id = arguments[3]
        let user = Message(id: "user", role: .user, content: "Tell me a long story 请")
        try store.create(Conversation(id: id, title: "", messages: [user]))
        let checkpoint = try store.beginReply(conversationID: id, messageID: "reply")
        say("begun")
        var text = ""
        var k = 0
        while true {
            text += StoreReplyText.chunk(k)
            k += 1
            try checkpoint.write(content: text, reasoning: nil)
            say("ack \(text.utf8.count)")
        }
    case "save-loop":
        let id = arguments[3]
        try store.create(Conversation(id: id, title: "save loop"))
        var i = 0
        while true {
            try store.update(id: id) { $0.messages.append(Message(role: .user, content: "message \(i) 消息")) }
            i += 1
            say("ack \(i)")
        }
    case "append":
        let id = arguments[3]
        guard arguments.count >= 6, let count = Int(arguments[4]) else { fail("append needs <n> <tag>") }
        let tag = arguments[5]
        for i in 0..<count {
            try store.update(id: id) { $0.messages.append(Message(role: .user, content: "\(tag)-\(i)")) }
        }
        say("done")
    case "hold-lock":
        let id = arguments[3]
        try store.update(id: id) { _ in
            say("locked")
            while true { sleep(60) }
        }
    case "umask-zero":
        try runUmaskZero()
    default:
        fail("unknown mode \(mode)")
    }
}

/// Writes every kind of file: conversations, index, lock files, a reply side file, a trashed
/// conversation and a quarantined one.
func runUmaskZero() throws {
    let kept = Conversation(id: "kept", title: "kept", messages: [Message(role: .user, content: "hi")])
    try store.create(kept)
    try store.update(id: "kept") { $0.messages.append(Message(role: .assistant, content: "hello")) }
    try store.create(Conversation(id: "binned", title: "binned"))
    try store.trash(id: "binned")
    let corrupt = root.appendingPathComponent("conversations/broken.json")
    _ = FileManager.default.createFile(atPath: corrupt.path, contents: Data("{ not json".utf8))
    _ = try store.list()
    let checkpoint = try store.beginReply(conversationID: "kept", messageID: "streamed")
    try checkpoint.write(content: "partial", reasoning: nil)
    // Leave the checkpoint unfinished so its side file stays for the test to inspect.
    say("done")
    exit(0)
}

do {
    try run()
} catch {
    fail(oneLineDescription(of: error))
}
