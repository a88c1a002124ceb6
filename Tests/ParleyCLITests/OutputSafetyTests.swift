#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyCore
import ParleyStore
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// `-o FILE` writes where the user asked and nowhere else: a regular file is replaced atomically
/// (keeping its mode) only with `--force`; a FIFO or device is written in place; a symlink is
/// followed to its target and never replaced; no predictable temp name can be hijacked. And a
/// read-only storage directory can still be read. These run the real binary, as root here: root
/// ignores permission bits, but not file types, `O_EXCL` or `O_NOFOLLOW`.
@Suite("parley -o and storage it cannot change", .heavy)
struct OutputSafetyTests {
    /// A runner with one stored conversation (written through the store, no server needed).
    static func runnerWithConversation() throws -> (ParleyRunner, String) {
        let runner = try ParleyRunner()
        let store = try ConversationStore(root: runner.storage, diagnostics: { _ in })
        var conversation = Conversation(title: "Kept safe")
        conversation.messages = [Message(role: .user, content: "hello"), Message(role: .assistant, content: "hi there")]
        try store.create(conversation)
        return (runner, conversation.id)
    }

    static func fileType(_ path: String) -> mode_t {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return info.st_mode & S_IFMT
    }

    /// Runs `arguments -o file` over an existing file: refused and the file as it was; then with
    /// `--force`, replaced by text starting with `expected`.
    static func expectRefusedThenForced(
        _ runner: ParleyRunner, _ arguments: [String], file: String, expected: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try "mine\n".write(toFile: file, atomically: false, encoding: .utf8)
        let refused = try runner.run(arguments + ["-o", file])
        #expect(refused.status == 1, sourceLocation: sourceLocation)
        #expect(refused.stderr.contains("already exists; not overwriting it; use --force to replace it"), "\(refused.stderr)", sourceLocation: sourceLocation)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "mine\n", sourceLocation: sourceLocation)
        let forced = try runner.run(arguments + ["-o", file, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)", sourceLocation: sourceLocation)
        #expect(try String(contentsOfFile: file, encoding: .utf8).hasPrefix(expected), sourceLocation: sourceLocation)
    }

    @Test func historyExportNeverOverwritesWithoutForceAndKeepsTheMode() throws {
        let (runner, id) = try Self.runnerWithConversation()
        defer { runner.remove() }
        let file = runner.home.url.appendingPathComponent("notes.md").path
        try "".write(toFile: file, atomically: false, encoding: .utf8)
        chmod(file, 0o640)
        try Self.expectRefusedThenForced(runner, ["history", "export", id], file: file, expected: "# Kept safe\n")
        #expect(permissions(URL(fileURLWithPath: file)) == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: runner.home.url.path).sorted() == ["data", "notes.md"])
    }

    @Test func aFIFOIsWrittenInPlace() throws {
        let (runner, id) = try Self.runnerWithConversation()
        defer { runner.remove() }
        let fifo = runner.home.url.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o644) == 0)
        // Opened for reading first (without blocking), so the writer's open finds a reader.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }

        let result = try runner.run(["history", "export", id, "-o", fifo])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.fileType(fifo) == S_IFIFO)
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = read(reader, &buffer, buffer.count)
        #expect(n > 0 && String(decoding: buffer[0..<max(n, 0)], as: UTF8.self).hasPrefix("# Kept safe\n"))

        // `-` is standard output, not a file named "-".
        let dash = try runner.run(["history", "export", id, "-o", "-"])
        #expect(dash.status == 0, "\(dash.stderr)")
        #expect(dash.stdout.hasPrefix("# Kept safe\n"))
    }

    @Test func aCharacterDeviceIsWrittenInPlace() throws {
        let (runner, id) = try Self.runnerWithConversation()
        defer { runner.remove() }
        // A private null device (major 1, minor 3; `makedev` is a C macro Swift cannot call), so
        // nothing shared is at stake even if this ever failed.
        let device = runner.home.url.appendingPathComponent("null").path
        guard mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 else {
            Issue.record("mknod failed (\(String(cString: strerror(errno)))); this test needs root")
            return
        }
        let exported = try runner.run(["history", "export", id, "-o", device])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(Self.fileType(device) == S_IFCHR)
        let decided = try runner.run(["decide", "--no-model", "Tea?", "--option", "Yes", "--option", "No"])
        #expect(decided.status == 0, "\(decided.stderr)")
        let list = try runner.run(["decide", "list", "--json"])
        let records = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let decision = try #require(records.first?["id"] as? String)
        let exportedDecision = try runner.run(["decide", "export", decision, "-o", device])
        #expect(exportedDecision.status == 0, "\(exportedDecision.stderr)")
        #expect(Self.fileType(device) == S_IFCHR)
    }

    @Test func aSymlinkIsFollowedToItsTargetAndNeverReplaced() throws {
        let (runner, id) = try Self.runnerWithConversation()
        defer { runner.remove() }
        let elsewhere = runner.home.url.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let target = elsewhere.appendingPathComponent("target.md").path
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        chmod(target, 0o644)
        let link = runner.home.url.appendingPathComponent("link.md").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)

        let refused = try runner.run(["history", "export", id, "-o", link])
        #expect(refused.status == 1)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old\n")

        let forced = try runner.run(["history", "export", id, "-o", link, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(Self.fileType(link) == S_IFLNK)
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("# Kept safe\n"))
        #expect(permissions(URL(fileURLWithPath: target)) == 0o644)

        // A dangling link: its target is created; the link stays.
        let dangling = runner.home.url.appendingPathComponent("dangling.md").path
        let created = elsewhere.appendingPathComponent("new.md").path
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: created)
        let fresh = try runner.run(["history", "export", id, "-o", dangling])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(Self.fileType(dangling) == S_IFLNK)
        #expect(try String(contentsOfFile: created, encoding: .utf8).hasPrefix("# Kept safe\n"))
    }

    /// The old temp name was `.NAME.parley-PID.tmp`, opened without `O_EXCL`/`O_NOFOLLOW`: links
    /// planted for the next few thousand pids caught the writer and had their target overwritten.
    @Test func plantedLinksAtPredictableTempNamesCatchNothing() throws {
        let (runner, id) = try Self.runnerWithConversation()
        defer { runner.remove() }
        let victim = runner.home.url.appendingPathComponent("victim.txt").path
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        chmod(victim, 0o644)
        let out = runner.home.url.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let lastPID = Int(
            (try? String(contentsOfFile: "/proc/sys/kernel/ns_last_pid", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        if lastPID > 0 {
            for pid in (lastPID + 1)...(lastPID + 3000) {
                symlink(victim, out.appendingPathComponent(".export.md.parley-\(pid).tmp").path)
            }
        }
        let result = try runner.run(["history", "export", id, "-o", out.appendingPathComponent("export.md").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        #expect(permissions(URL(fileURLWithPath: victim)) == 0o644)
    }

    @Test func decideExportRefusesToOverwriteWithoutForce() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        #expect(try runner.run(["decide", "--no-model", "Tea?", "--option", "Yes", "--option", "No"]).status == 0)
        let list = try runner.run(["decide", "list", "--json"])
        let records = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let decision = try #require(records.first?["id"] as? String)
        let file = runner.home.url.appendingPathComponent("tea.md").path
        try Self.expectRefusedThenForced(runner, ["decide", "export", decision], file: file, expected: "# Decision: Tea?\n")
    }

    // MARK: - Read-only storage

    /// Runs parley with the storage directory bind-mounted read-only in a private mount namespace
    /// (root ignores a chmod, not a read-only mount). Nil when this machine cannot do that.
    static func runOnReadOnlyStorage(_ runner: ParleyRunner, _ arguments: [String]) throws -> ParleyRunner.Result? {
        let probe = try RunningParley(
            executable: URL(fileURLWithPath: "/usr/bin/unshare"), arguments: ["-m", "true"], environment: runner.environment,
            stdin: nil
        ).finish()
        guard probe.status == 0 else { return nil }
        let script = "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && shift && exec \"$@\""
        return try RunningParley(
            executable: URL(fileURLWithPath: "/usr/bin/unshare"),
            arguments: ["-m", "/bin/sh", "-c", script, "sh", runner.storage.path, ParleyRunner.binary.path] + arguments,
            environment: runner.environment, stdin: nil
        ).finish()
    }

    @Test func listingAndShowingWorkOnReadOnlyStorageAndWritingSaysWhy() throws {
        let (runner, id) = try Self.runnerWithConversation()
        defer { runner.remove() }
        // A storage directory as another build or a backup left it: no index, no lock or trash folders.
        for name in ["index.json", "newest.json", "locks", "trash", "quarantine"] {
            try? FileManager.default.removeItem(at: runner.storage.appendingPathComponent(name))
        }
        guard let listed = try Self.runOnReadOnlyStorage(runner, ["history", "list"]) else {
            Issue.record("this machine cannot make a read-only bind mount (needs root and unshare)")
            return
        }
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains(id))
        let shown = try #require(try Self.runOnReadOnlyStorage(runner, ["history", "show", id]))
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("hi there"))
        let removed = try #require(try Self.runOnReadOnlyStorage(runner, ["history", "rm", id]))
        #expect(removed.status == 1)
        #expect(removed.stderr.contains("Read-only file system"))
        #expect(runner.conversationFiles().count == 1)
    }
}
