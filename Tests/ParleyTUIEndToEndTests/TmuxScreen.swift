import Foundation
import ParleyTestSupport
import Testing

/// A private tmux server running one `parley` chat screen: type into it, read the screen back,
/// resize it. Each instance has its own socket name and kills its server when closed.
final class TmuxScreen {
    let socket = "parley-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
    let home: StoreTemporaryDirectory
    var storage: URL { home.url.appendingPathComponent("data") }
    var pidFile: URL { home.url.appendingPathComponent("parley.pid") }
    static let exitMarker = "PARLEY-EXITED"

    /// Whether `close()` removes the home directory (not when it was lent by an earlier screen).
    private let ownsHome: Bool

    /// Starts `parley ARGS` in a detached session of `width` x `height`. `environment` adds to (or,
    /// with a nil value, removes from) the variables parley sees. `sharing` runs it in an earlier
    /// screen's home (its storage and config), which that screen keeps and removes.
    init(
        _ arguments: [String], width: Int = 100, height: Int = 30, environment: [String: String?] = [:], sharing: TmuxScreen? = nil
    ) throws {
        home = try sharing?.home ?? StoreTemporaryDirectory("tui-e2e")
        ownsHome = sharing == nil
        var variables: [String: String?] = [
            "HOME": home.url.path, "PARLEY_HOME": storage.path,
            "XDG_CONFIG_HOME": home.url.appendingPathComponent("config").path, "LANG": "C.UTF-8", "LC_ALL": nil,
            "NO_COLOR": nil,
        ]
        for (name, value) in environment { variables[name] = value }
        var command = "env"
        let sorted = variables.sorted(by: { $0.key < $1.key })
        for (name, value) in sorted where value == nil { command += " -u \(name)" }
        for (name, value) in sorted { if let value { command += " \(name)=\(TmuxScreen.quote(value))" } }
        let parley = ([TmuxScreen.binary.path] + arguments).map(TmuxScreen.quote).joined(separator: " ")
        let inner = "echo $$ > \(TmuxScreen.quote(pidFile.path)); exec \(command) \(parley)"
        let script = "sh -c \(TmuxScreen.quote(inner)); echo \(TmuxScreen.exitMarker) $?; sleep 600"
        // The server outlives this call and would hold a pipe open forever: no output is read here.
        try tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", script], readOutput: false)
    }

    deinit { close() }

    /// Kills the tmux server (and so the program in it).
    func close() {
        guard !closed else { return }
        closed = true
        let socketPath = ((try? tmux(["display-message", "-p", "#{socket_path}"])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try? tmux(["kill-server"])
        if !socketPath.isEmpty { unlink(socketPath) }
        if ownsHome { home.remove() }
    }

    private var closed = false

    /// The visible screen, one string per row.
    func screen() -> String {
        (try? tmux(["capture-pane", "-p"])) ?? ""
    }

    /// The visible screen with its colours and attributes as escape sequences.
    func screenWithColours() -> String {
        (try? tmux(["capture-pane", "-p", "-e"])) ?? ""
    }

    func type(_ text: String) throws { try tmux(["send-keys", "-l", text]) }

    /// tmux key names: Enter, C-c, C-d, F1, PageUp, ...
    func press(_ keys: String...) throws { try tmux(["send-keys"] + keys) }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-x", "\(width)", "-y", "\(height)"])
    }

    /// True while the pane shows the alternate (full) screen.
    func alternateScreenIsOn() -> Bool {
        ((try? tmux(["display-message", "-p", "#{alternate_on}"])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    var pid: Int32? {
        (try? String(contentsOf: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Waits until the screen satisfies `condition`; returns the last screen seen and whether it did.
    ///
    /// The default is long because a wait ends as soon as the screen is right, and on a loaded
    /// machine the first reply can be slow to come for a reason of the product's own: a debug build
    /// that misses the first `/models` probe's quarter-second window waits out the pause that keeps
    /// probes below 4 % of the time (12 s; see `ProbeSchedule`). At 15 s a CI run once typed the
    /// next message into a screen still waiting for the first reply.
    @discardableResult
    func waitFor(timeout: Double = 60, _ condition: (String) -> Bool) -> (ok: Bool, screen: String) {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = screen()
            if condition(last) { return (true, last) }
            usleep(50_000)
        }
        return (false, last)
    }

    /// `command` (a `/save` or `/export`) aimed at the existing `file`, which holds `original`: the
    /// screen asks before replacing it; `n` leaves it as it was, and the same command answered `y`
    /// replaces it and shows `done`.
    func expectReplaceAskedFirst(
        _ command: String, file: URL, original: String, done: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try type(command)
        try press("Enter")
        // The question may wrap inside its box: only its start is matched.
        let asked = waitFor { $0.contains("exists. Replace it with") }
        #expect(asked.ok, "\(asked.screen)", sourceLocation: sourceLocation)
        try press("n")
        #expect(waitFor { $0.contains("as it was") }.ok, sourceLocation: sourceLocation)
        #expect(try String(contentsOf: file, encoding: .utf8) == original, sourceLocation: sourceLocation)
        try type(command)
        try press("Enter")
        #expect(waitFor { $0.contains("exists. Replace it with") }.ok, sourceLocation: sourceLocation)
        try press("y")
        #expect(waitFor { $0.contains(done) }.ok, sourceLocation: sourceLocation)
    }

    /// The exit status printed after parley ended, once it has.
    func exitStatus(timeout: Double = 60) -> Int? {
        let (ok, screen) = waitFor(timeout: timeout) { $0.contains(TmuxScreen.exitMarker + " ") }
        guard ok, let range = screen.range(of: TmuxScreen.exitMarker + " ") else { return nil }
        return Int(screen[range.upperBound...].prefix(while: \.isNumber))
    }

    /// The draft files under `<storage>/drafts/`.
    func draftFiles() -> [URL] {
        let directory = storage.appendingPathComponent("drafts")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    func conversationFiles() -> [URL] {
        let directory = storage.appendingPathComponent("conversations")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") && !$0.contains("inflight") }.sorted()
            .map { directory.appendingPathComponent($0) }
    }

    /// Runs tmux with posix_spawn and waitpid. (Foundation's Process waits for descendants that keep
    /// its bookkeeping open, and the tmux server started by `new-session` lives on; a file, not a
    /// pipe, takes the output, because the server holds on to its clients' stdout.)
    @discardableResult
    private func tmux(_ arguments: [String], readOutput: Bool = true) throws -> String {
        let file = home.url.appendingPathComponent("tmux-output-\(UUID().uuidString)")
        defer { unlink(file.path) }
        let argv = ["tmux", "-L", socket, "-f", "/dev/null"] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, readOutput ? file.path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cArguments = argv.map { strdup($0) }
        cArguments.append(nil)
        defer { for pointer in cArguments { free(pointer) } }
        // Default signal handling for tmux and what it runs: a test runner that ignores SIGHUP would
        // otherwise pass that on, and kill-server could not end the programs in the panes.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "tmux", &actions, &attributes, cArguments, environ)
        guard spawned == 0 else { throw TmuxFailure(reason: "cannot start tmux: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return readOutput ? ((try? String(contentsOf: file, encoding: .utf8)) ?? "") : ""
    }

    struct TmuxFailure: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The parley binary built next to the tests.
    static var binary: URL { BuiltExecutable.parley }
}
