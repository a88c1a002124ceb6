import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a helper command (`/bin/sh -c`) with a time limit and a cap on what it prints, and
/// collects its standard output.
///
/// Why: `api_key_cmd` runs a program nobody here wrote. Read naively, `sleep 1000` held a request
/// for ever and `yes` grew the process to 3 GB in 16 s. The output is read as it comes (never
/// past the cap), and when time or the cap runs out the command and every process it started
/// are killed, so nothing keeps the pipe open behind it.
struct BoundedCommand {
    var command: String
    var environment: [String: String]
    var timeout: Double
    var outputLimit: Int

    enum Failure: Error, Equatable {
        case couldNotStart
        case timedOut
        case tooMuchOutput
    }

    /// What the command printed on standard output and its exit status.
    func run() throws(Failure) -> (output: Data, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        do {
            try process.run()
        } catch {
            throw .couldNotStart
        }
        let fd = pipe.fileHandleForReading.fileDescriptor
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let deadline = Date().addingTimeInterval(timeout)
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        reading: while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { try stop(process, because: .timedOut) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left, 1) * 1000) + 1)
            if ready < 0 && errno != EINTR { break }
            if ready <= 0 { continue }
            while true {
                let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if got > 0 {
                    output.append(contentsOf: buffer[0..<got])
                    if output.count > outputLimit { try stop(process, because: .tooMuchOutput) }
                } else if got == 0 {
                    break reading  // end of file: every writer has closed the pipe
                } else {
                    if errno == EINTR { continue }
                    if errno == EAGAIN { break }
                    break reading
                }
            }
        }
        // The output is complete; the command still has until the deadline to exit.
        while process.isRunning {
            if deadline.timeIntervalSinceNow <= 0 { try stop(process, because: .timedOut) }
            usleep(2_000)
        }
        return (output, process.terminationStatus)
    }

    /// Kills the command and its descendants, reaps it, and throws `reason`.
    private func stop(_ process: Process, because reason: Failure) throws(Failure) -> Never {
        // The shell first (so it cannot report its children's deaths on the terminal), then what
        // it started, found before anything was killed.
        let descendants = Self.descendants(of: process.processIdentifier)
        for pid in [process.processIdentifier] + descendants { kill(pid, SIGKILL) }
        process.waitUntilExit()
        throw reason
    }

    /// The processes started by `root`, found through `/proc` (empty where there is none).
    /// Collected before anything is killed: once the shell dies its children move to init.
    static func descendants(of root: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var children: [pid_t: [pid_t]] = [:]
        for entry in entries {
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // After the command name in parentheses: the state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { children[parent, default: []].append(pid) }
        }
        var found: [pid_t] = []
        var queue = children[root] ?? []
        while let pid = queue.popLast() {
            found.append(pid)
            queue += children[pid] ?? []
        }
        return found
    }
}
