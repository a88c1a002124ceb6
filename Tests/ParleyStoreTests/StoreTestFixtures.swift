#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@testable import ParleyStore

/// Collects diagnostics lines from a store, for tests to inspect.
final class DiagnosticsRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var all: [String] { lock.withLock { lines } }

    var sink: @Sendable (String) -> Void {
        { [self] line in lock.withLock { lines.append(line) } }
    }

    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }
}

/// A store in a fresh temporary directory, with its diagnostics recorded.
struct StoreFixture {
    let directory: StoreTemporaryDirectory
    let diagnostics = DiagnosticsRecorder()
    let store: ConversationStore

    init(fileSync: FileSync = .system) throws {
        directory = try StoreTemporaryDirectory("store")
        store = try ConversationStore(root: directory.url, diagnostics: diagnostics.sink, fileSync: fileSync)
    }

    var root: URL { directory.url }
    var layout: StoreLayout { StoreLayout(root: root) }

    /// Another store on the same root, as a second process would open it.
    func reopen(fileSync: FileSync = .system) throws -> ConversationStore {
        try ConversationStore(root: root, diagnostics: diagnostics.sink, fileSync: fileSync)
    }

    func file(_ id: String) -> URL { layout.conversationFile(id) }

    func bytes(_ id: String) throws -> Data { try Data(contentsOf: file(id)) }

    func names(in directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    /// Writes a conversation file directly, as an older build or a copy would.
    func writeRaw(_ data: Data, id: String) throws {
        try data.write(to: file(id))
    }

    func remove() { directory.remove() }
}

/// A conversation with fixed, millisecond-exact dates.
func sampleConversation(id: String, title: String = "", messages: [String] = ["hello"], at seconds: Double = 1_700_000_000)
    -> Conversation
{
    let date = Date(timeIntervalSince1970: seconds)
    var conversation = Conversation(id: id, title: title, createdAt: date)
    conversation.messages = messages.enumerated().map { i, text in
        Message(id: "\(id)-m\(i)", role: i % 2 == 0 ? .user : .assistant, content: text, createdAt: date)
    }
    return conversation
}

/// The crash-helper executable, built next to the test binary.
func crashHelperURL() throws -> URL {
    guard let url = BuiltExecutable.find("parley-store-crash-helper") else {
        throw HelperMissing(searched: [CommandLine.arguments[0]])
    }
    return url
}

struct HelperMissing: Error, CustomStringConvertible {
    var searched: [String]
    var description: String { "parley-store-crash-helper not found near \(searched)" }
}

/// A running crash-helper process whose stdout is read line by line.
final class HelperProcess {
    let process = Process()
    private let output = Pipe()
    private var buffer: [UInt8] = []
    let stderrFile: URL

    init(_ arguments: [String], stderrIn directory: URL) throws {
        process.executableURL = try crashHelperURL()
        process.arguments = arguments
        process.standardOutput = output
        stderrFile = directory.appendingPathComponent("helper-\(UUID().uuidString).stderr")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// The next line of output, or nil at end of file.
    func readLine() -> String? {
        let fd = output.fileHandleForReading.fileDescriptor
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    /// Reads lines until one satisfies `match` (returned) or output ends (nil).
    func waitFor(_ match: (String) -> Bool) -> String? {
        while let line = readLine() {
            if match(line) { return line }
        }
        return nil
    }

    func killNow() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    var stderrText: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }
}

/// The pid of a process that has exited and been reaped.
func deadPID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
}

/// Permission bits of a path.
func mode(of url: URL) -> mode_t {
    var info = stat()
    guard lstat(url.path, &info) == 0 else { return 0 }
    return info.st_mode & 0o7777
}
