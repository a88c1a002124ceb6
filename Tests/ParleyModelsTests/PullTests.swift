import Foundation
import ParleyModels
import ParleyTestSupport
import Testing

/// Pulls against the Hub-compatible test server: listing, redirect, Range, faults.
@Suite("Pulling from a Hub", .serialized, .timeLimit(.minutes(2)))
struct PullTests {
    static func randomBytes(_ count: Int, seed: UInt64 = 7) -> Data {
        var generator = SeededGenerator(seed: seed)
        return Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// A GGUF header and nothing else: version 3, no tensors, only `general.architecture`.
    static func ggufHeader(architecture: String) -> Data {
        var data = Data("GGUF".utf8)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        func string(_ s: String) {
            u64(UInt64(s.utf8.count))
            data.append(contentsOf: Array(s.utf8))
        }
        u32(3)
        u64(0)
        u64(1)
        string("general.architecture")
        u32(8)
        string(architecture)
        return data
    }

    struct Setup {
        let server: HubTestServer
        let storage: StoreTemporaryDirectory
        var puller: ModelPuller
        var models: URL { storage.url.appendingPathComponent("models") }

        init(files: [String: Data], options: [String] = [], token: String? = nil) throws {
            server = try HubTestServer(files: files, options: options)
            storage = try StoreTemporaryDirectory("models")
            var environment = ["HF_ENDPOINT": server.hub.absoluteString]
            environment["HF_TOKEN"] = token
            puller = ModelPuller(registry: ModelRegistry(storage: storage.url), endpoint: try HubEndpoint(environment: environment)) { _ in }
            puller.downloader.retryDelay = { _ in 0 }
        }

        func end() {
            server.stop()
            storage.remove()
        }

        func leftovers() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: models.path)) ?? []).filter { $0.contains(".partial") }
        }
    }

    @Test func listsFollowsTheRedirectAndKeepsTheTokenOnTheHub() async throws {
        let body = Self.randomBytes(3_000_000)
        let setup = try Setup(files: ["o/r-GGUF/m-Q8_0.gguf": body, "o/r-GGUF/m-Q4_K_M.gguf": body], options: ["--require-token", "tok"], token: "tok")
        defer { setup.end() }
        let outcome = try await setup.puller.pull(.hub(HubReference(owner: "o", name: "r-GGUF", choice: .quant("Q8_0"))))
        let file = setup.models.appendingPathComponent("m-Q8_0.gguf")
        #expect(try Data(contentsOf: file) == body)
        #expect(outcome.model.sha256 == SHA256Hasher.hex(of: body))
        #expect(outcome.fetched == Int64(body.count))
        #expect(setup.leftovers().isEmpty)
        let log = try setup.server.log()
        #expect(log.filter { $0.path.hasPrefix("/api/") || $0.path.contains("/resolve/") }.allSatisfy { $0.authorization == "Bearer tok" })
        let store = try setup.server.fileRequests()
        #expect(store.count == 1)
        #expect(store.allSatisfy { $0.authorization == nil && $0.host.hasPrefix("127.0.0.2") })
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let directory = try FileManager.default.attributesOfItem(atPath: setup.models.path)
        #expect((directory[.posixPermissions] as? Int) == 0o700)
        let record = try #require(ModelRecord.read(forModel: file))
        #expect(record.origin == "hf:o/r-GGUF:m-Q8_0.gguf")
        #expect(record.sha256 == SHA256Hasher.hex(of: body))
    }

    @Test func aDroppedConnectionResumesWithoutFetchingAByteTwice() async throws {
        let body = Self.randomBytes(3_500_000)
        let setup = try Setup(files: ["o/r/m.gguf": body], options: ["--drop-after", "1000000", "--drop-times", "2"])
        defer { setup.end() }
        _ = try await setup.puller.pull(.hub(HubReference(owner: "o", name: "r", choice: .automatic)))
        #expect(try Data(contentsOf: setup.models.appendingPathComponent("m.gguf")) == body)
        let store = try setup.server.fileRequests()
        #expect(store.map(\.range) == [nil, "bytes=1000000-", "bytes=2000000-"])
        #expect(store.map(\.sent).reduce(0, +) == body.count)
    }

    @Test func aPartialLeftByAnEarlierRunIsContinuedFromItsEnd() async throws {
        let body = Self.randomBytes(2_000_000)
        let setup = try Setup(files: ["o/r/m.gguf": body])
        defer { setup.end() }
        try FileManager.default.createDirectory(at: setup.models, withIntermediateDirectories: true)
        let kept = 1_234_567
        try body.prefix(kept).write(to: setup.models.appendingPathComponent("m.gguf.partial"))
        let endpoint = try HubEndpoint(environment: ["HF_ENDPOINT": setup.server.hub.absoluteString])
        try DownloadSidecar(
            source: endpoint.resolveURL(repo: "o/r", file: "m.gguf").absoluteString, size: Int64(body.count),
            sha256: SHA256Hasher.hex(of: body), startedAt: Date()
        ).write(setup.models.appendingPathComponent("m.gguf.partial.json"))
        let outcome = try await setup.puller.pull(.hub(HubReference(owner: "o", name: "r", choice: .automatic)))
        #expect(outcome.fetched == Int64(body.count - kept))
        #expect(try Data(contentsOf: setup.models.appendingPathComponent("m.gguf")) == body)
        let store = try setup.server.fileRequests()
        #expect(store.map(\.range) == ["bytes=\(kept)-"])
        #expect(store.map(\.sent) == [body.count - kept])
    }

    @Test func aServerThatIgnoresRangeIsReadFromTheStart() async throws {
        let body = Self.randomBytes(1_500_000)
        let setup = try Setup(files: ["o/r/m.gguf": body], options: ["--ignore-range", "--drop-after", "600000"])
        defer { setup.end() }
        _ = try await setup.puller.pull(.hub(HubReference(owner: "o", name: "r", choice: .automatic)))
        #expect(try Data(contentsOf: setup.models.appendingPathComponent("m.gguf")) == body)
    }

    @Test func aWrongHashKeepsNothing() async throws {
        let setup = try Setup(files: ["o/r/m.gguf": Self.randomBytes(500_000)], options: ["--wrong-hash"])
        defer { setup.end() }
        await #expect(throws: ModelPullError.self) {
            _ = try await setup.puller.pull(.hub(HubReference(owner: "o", name: "r", choice: .automatic)))
        }
        #expect(!FileManager.default.fileExists(atPath: setup.models.appendingPathComponent("m.gguf").path))
        #expect(setup.leftovers().isEmpty)
    }

    @Test func aPrivateRepositoryWithoutATokenSaysSo() async throws {
        let setup = try Setup(files: ["o/r/m.gguf": Data("x".utf8)], options: ["--require-token", "tok"])
        defer { setup.end() }
        let url = setup.server.hub.appendingPathComponent("api/models/o/r/tree/main").absoluteString
        await #expect(throws: ModelPullError.unauthorized(url: url, tokenSent: false)) {
            _ = try await setup.puller.pull(.hub(HubReference(owner: "o", name: "r", choice: .automatic)))
        }
    }

    @Test func aMissingRepositoryIsNamed() async throws {
        let setup = try Setup(files: [:])
        defer { setup.end() }
        await #expect(throws: ModelPullError.repoNotFound(repo: "o/none", endpoint: setup.server.hub.absoluteString)) {
            _ = try await setup.puller.pull(.hub(HubReference(owner: "o", name: "none", choice: .automatic)))
        }
    }

    @Test func anArchitectureTheRuntimeLacksIsKeptAndMarked() async throws {
        let setup = try Setup(files: ["o/r/q-Q4_K_M.gguf": Self.ggufHeader(architecture: "qwen2")])
        defer { setup.end() }
        let outcome = try await setup.puller.pull(.hub(HubReference(owner: "o", name: "r", choice: .automatic)))
        #expect(!outcome.model.runnable)
        #expect(outcome.model.architecture == "qwen2")
        #expect(outcome.model.notRunnableBecause?.contains("qwen2") == true)
        let file = setup.models.appendingPathComponent("q-Q4_K_M.gguf")
        #expect(FileManager.default.fileExists(atPath: file.path))
        #expect(ModelRecord.read(forModel: file)?.runnable == false)
        // A second pull finds it there and fetches nothing.
        let again = try await setup.puller.pull(.hub(HubReference(owner: "o", name: "r", choice: .automatic)))
        #expect(again.alreadyInstalled)
        #expect(try setup.server.fileRequests().count == 1)
    }

    @Test func registryNamesAndRemoval() async throws {
        let body = Self.randomBytes(10_000)
        let setup = try Setup(files: ["o/r/My-Model.Q4_0.gguf": body])
        defer { setup.end() }
        _ = try await setup.puller.pull(.hub(HubReference(owner: "o", name: "r", choice: .automatic)))
        let registry = setup.puller.registry
        #expect(try registry.resolve("My-Model.Q4_0").lastPathComponent == "My-Model.Q4_0.gguf")
        #expect(try registry.resolve("my-model.q4_0").lastPathComponent == "My-Model.Q4_0.gguf")
        #expect(throws: ModelPullError.self) { try registry.resolve("other") }
        #expect(try registry.remove("My-Model.Q4_0").sorted() == ["My-Model.Q4_0.gguf", "My-Model.Q4_0.gguf.json"])
        #expect(registry.modelFiles().isEmpty)
    }
}
