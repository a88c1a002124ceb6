import Foundation
import ParleyTestSupport

/// Runs the built `parley` binary as a user would: its own process, a private storage directory,
/// a clean environment.
struct ParleyRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// True when the process ended by a signal rather than exiting.
        var signalled: Bool
    }

    let home: StoreTemporaryDirectory
    var storage: URL { home.url.appendingPathComponent("data") }
    var environment: [String: String]

    init() throws {
        home = try StoreTemporaryDirectory("cli")
        environment = [
            "HOME": home.url.path, "PARLEY_HOME": home.url.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": home.url.appendingPathComponent("config").path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "LANG": "C.UTF-8",
        ]
    }

    func remove() { home.remove() }

    /// The parley binary built next to the tests.
    static var binary: URL { BuiltExecutable.parley }

    /// Starts parley; the caller reads and waits.
    func start(_ arguments: [String], stdin: String? = nil, extraEnvironment: [String: String] = [:]) throws -> RunningParley {
        try RunningParley(
            executable: ParleyRunner.binary, arguments: arguments, environment: environment.merging(extraEnvironment) { $1 },
            stdin: stdin)
    }

    /// Runs parley to the end. With `viaTerminal`, it runs under `script(1)` so that its stdout is a
    /// pseudo-terminal, as it is for a person at a terminal.
    func run(_ arguments: [String], stdin: String? = nil, extraEnvironment: [String: String] = [:], viaTerminal: Bool = false)
        throws -> Result
    {
        if viaTerminal {
            let command = ([ParleyRunner.binary.path] + arguments).map(shellQuote).joined(separator: " ")
            return try RunningParley(
                executable: URL(fileURLWithPath: "/usr/bin/script"), arguments: ["-qefc", command, "/dev/null"],
                environment: environment.merging(extraEnvironment) { $1 }, stdin: stdin
            ).finish()
        }
        return try start(arguments, stdin: stdin, extraEnvironment: extraEnvironment).finish()
    }

    /// The same, waiting on a thread of its own: a test that awaits this leaves Swift's
    /// cooperative threads (two on a 2-core machine) to the tests that need them, such as the HTTP
    /// tests with deadlines, instead of blocking one while the model runs in the child process.
    func run(_ arguments: [String], stdin: String? = nil, extraEnvironment: [String: String] = [:], viaTerminal: Bool = false)
        async throws -> Result
    {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Swift.Result {
                    try self.run(arguments, stdin: stdin, extraEnvironment: extraEnvironment, viaTerminal: viaTerminal)
                })
            }.start()
        }
    }

    private func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    func conversationFiles() -> [URL] {
        let directory = storage.appendingPathComponent("conversations")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") && !$0.contains(".inflight") }.sorted()
            .map { directory.appendingPathComponent($0) }
    }
}

/// A parley process whose output is collected in files (so a full pipe never blocks it).
final class RunningParley {
    let process = Process()
    private let outFile: URL
    private let errFile: URL

    init(executable: URL, arguments: [String], environment: [String: String], stdin: String?) throws {
        let directory = FileManager.default.temporaryDirectory
        outFile = directory.appendingPathComponent("parley-out-\(UUID().uuidString)")
        errFile = directory.appendingPathComponent("parley-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        if let stdin {
            let pipe = Pipe()
            process.standardInput = pipe
            try process.run()
            // parley may stop reading early (input over its cap): a closed pipe must end this
            // write with an error, not kill the test process.
            Glibc.signal(SIGPIPE, SIG_IGN)
            try? pipe.fileHandleForWriting.write(contentsOf: Data(stdin.utf8))
            try? pipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
    }

    var stdout: String { (try? String(contentsOf: outFile, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: errFile, encoding: .utf8)) ?? "" }

    /// Waits until stdout satisfies `condition` or the process ends; false on timeout.
    func waitForStdout(timeout: Double = 10, _ condition: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(stdout) { return true }
            if !process.isRunning { return condition(stdout) }
            usleep(5_000)
        }
        return false
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    func finish() -> ParleyRunner.Result {
        process.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(at: outFile)
            try? FileManager.default.removeItem(at: errFile)
        }
        return ParleyRunner.Result(
            status: process.terminationStatus, stdout: stdout, stderr: stderr,
            signalled: process.terminationReason == .uncaughtSignal)
    }
}
