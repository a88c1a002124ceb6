import Foundation
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// `parley models ...` end to end, against the Hub-compatible test server.
@Suite("parley models", .heavy, .serialized, .timeLimit(.minutes(10)))
struct ModelsCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func randomBytes(_ count: Int) -> Data {
        var generator = SeededGenerator(seed: 11)
        return Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    static func sha256(_ url: URL) throws -> String { try PackageFiles.sha256(ofFile: url.path) }

    /// The required result: a pull killed with SIGKILL mid-body loses nothing, and the next pull
    /// asks only for what is not on disk — the server serves exactly the rest, no byte twice.
    @Test func aPullKilledMidBodyResumesAndFetchesNoByteTwice() throws {
        let body = Self.randomBytes(4_000_000)
        let server = try HubTestServer(files: ["o/r/m-Q4_K_M.gguf": body], options: ["--throttle", "2000000"])
        defer { server.stop() }
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let environment = ["HF_ENDPOINT": server.hub.absoluteString]
        let partial = runner.storage.appendingPathComponent("models/m-Q4_K_M.gguf.partial")
        let first = try runner.start(["models", "pull", "hf:o/r"], extraEnvironment: environment)
        let deadline = Date().addingTimeInterval(30)
        func partialSize() -> Int { ((try? FileManager.default.attributesOfItem(atPath: partial.path))?[.size] as? Int) ?? 0 }
        while partialSize() < 600_000 && Date() < deadline { usleep(10_000) }
        first.signal(SIGKILL)
        let killed = first.finish()
        #expect(killed.signalled)
        let kept = partialSize()
        #expect(kept >= 600_000 && kept < body.count, "\(kept)")

        let second = try runner.run(["models", "pull", "hf:o/r"], extraEnvironment: environment)
        #expect(second.status == 0, "\(second.stderr)")
        let model = runner.storage.appendingPathComponent("models/m-Q4_K_M.gguf")
        #expect(try Data(contentsOf: model) == body)
        #expect(!FileManager.default.fileExists(atPath: partial.path))
        let requests = try server.fileRequests()
        #expect(requests.count == 2)
        #expect(requests.last?.range == "bytes=\(kept)-")
        #expect(requests.last?.sent == body.count - kept)
    }

    @Test func pullListShowAndRemove() throws {
        let body = Self.randomBytes(300_000)
        let server = try HubTestServer(files: ["o/r/tiny-Q8_0.gguf": body], options: ["--require-token", "tok"])
        defer { server.stop() }
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let hub = ["HF_ENDPOINT": server.hub.absoluteString]

        let refused = try runner.run(["models", "pull", "hf:o/r"], extraEnvironment: hub)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("needs a token"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1)

        let pulled = try runner.run(["models", "pull", "--json", "hf:o/r"], extraEnvironment: hub.merging(["HF_TOKEN": "tok"]) { $1 })
        #expect(pulled.status == 0, "\(pulled.stderr)")
        let lines = pulled.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.first?["event"] as? String == "started")
        #expect(lines.last?["event"] as? String == "done")
        #expect(lines.last?["runnable"] as? Bool == false)
        #expect(!pulled.stdout.contains("tok") && !pulled.stderr.contains("tok"))

        let list = try runner.run(["models", "list", "--json"])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        let local = try #require(listed["local"] as? [[String: Any]])
        #expect(local.map { $0["name"] as? String } == ["tiny-Q8_0"])
        #expect(local.first?["notRunnableBecause"] != nil)
        let show = try runner.run(["models", "show", "tiny-Q8_0"])
        #expect(show.stdout.contains("hf:o/r:tiny-Q8_0.gguf"))
        // The record on disk never holds the token either.
        let record = try String(contentsOf: runner.storage.appendingPathComponent("models/tiny-Q8_0.gguf.json"), encoding: .utf8)
        #expect(!record.contains("tok\""))

        let removed = try runner.run(["models", "rm", "tiny-Q8_0"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try runner.run(["models", "list"]).stdout.contains("parley models pull smollm2-135m"))
        let missing = try runner.run(["models", "show", "tiny-Q8_0"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no local model called"))
    }

    @Test func aMissingRepositoryAndABadSpecAreOneLine() throws {
        let server = try HubTestServer(files: [:])
        defer { server.stop() }
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let missing = try runner.run(["models", "pull", "hf:o/nothing"], extraEnvironment: ["HF_ENDPOINT": server.hub.absoluteString])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("there is no repository o/nothing"), "\(missing.stderr)")
        let bad = try runner.run(["models", "pull", "ftp://x/y.gguf"])
        #expect(bad.status == 1)
        #expect(bad.stderr.split(separator: "\n").count == 1, "\(bad.stderr)")
        let unknown = try runner.run(["models", "pull", "no-such-model"])
        #expect(unknown.stderr.contains("smollm2-135m"), "\(unknown.stderr)")
    }

    @Test func theCatalogNamesTheDefaultModelWithItsHash() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run(["models", "catalog"])
        #expect(result.stdout.contains("smollm2-135m"))
        #expect(result.stdout.contains("b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"))
        // The entries without a published hash say how they are checked instead.
        #expect(result.stdout.contains("(Hub lfs.oid at pull time) †"))
        #expect(result.stdout.contains("refuses it if the listing gives none"))
    }

    /// The required result: installed under a prefix and run through PATH from outside the source
    /// tree, the binary finds its personas and templates at ../share/parley.
    @Test func anInstalledBinaryFindsItsPersonasAndTemplates() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let prefix = runner.home.url.appendingPathComponent("prefix")
        let install = Process()
        install.executableURL = URL(fileURLWithPath: "/bin/bash")
        install.arguments = [Self.root.appendingPathComponent("scripts/install.sh").path, prefix.path]
        install.environment = ["PARLEY_BINARY": ParleyRunner.binary.path, "PATH": "/usr/bin:/bin", "HOME": runner.home.url.path]
        install.standardError = FileHandle.nullDevice
        try install.run()
        install.waitUntilExit()
        #expect(install.terminationStatus == 0)
        for shell in ["bash-completion/completions/parley", "zsh/site-functions/_parley", "fish/vendor_completions.d/parley.fish"] {
            #expect(FileManager.default.fileExists(atPath: prefix.appendingPathComponent("share/" + shell).path), "\(shell)")
        }
        let run = Process()
        run.executableURL = URL(fileURLWithPath: "/bin/sh")
        run.arguments = ["-c", "cd / && parley personas list && parley write list"]
        run.environment = runner.environment.merging(["PATH": prefix.appendingPathComponent("bin").path + ":/usr/bin:/bin"]) { $1 }
        let output = Pipe()
        let errors = Pipe()
        run.standardOutput = output
        run.standardError = errors
        try run.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let warnings = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.waitUntilExit()
        #expect(run.terminationStatus == 0, "\(warnings)")
        #expect(text.contains("decision-coach"))
        #expect(text.contains("commit-message"))
        #expect(!warnings.contains("not found"), "\(warnings)")
    }
}
