import Foundation
import GGUFRuntime
import ParleyModels
import Testing

@Suite("Model specs")
struct ModelSpecTests {
    @Test func hubSpecs() throws {
        #expect(try ModelSpec.parse("hf:bartowski/Qwen2.5-1.5B-Instruct-GGUF:Q4_K_M")
            == .hub(HubReference(owner: "bartowski", name: "Qwen2.5-1.5B-Instruct-GGUF", choice: .quant("Q4_K_M"))))
        #expect(try ModelSpec.parse("hf:a/b:q8_0") == .hub(HubReference(owner: "a", name: "b", choice: .quant("Q8_0"))))
        #expect(try ModelSpec.parse("hf:a/b:sub/model.GGUF") == .hub(HubReference(owner: "a", name: "b", choice: .file("sub/model.GGUF"))))
        #expect(try ModelSpec.parse("HF:a/b") == .hub(HubReference(owner: "a", name: "b", choice: .automatic)))
    }

    @Test func urlsAndCatalogNames() throws {
        #expect(try ModelSpec.parse("https://example.org/m/x.gguf") == .url(URL(string: "https://example.org/m/x.gguf")!))
        #expect(try ModelSpec.parse("http://127.0.0.1:8080/x.gguf") == .url(URL(string: "http://127.0.0.1:8080/x.gguf")!))
        #expect(try ModelSpec.parse("SmolLM2-135M") == .catalog("smollm2-135m"))
    }

    @Test(arguments: [
        "", "hf:", "hf:owner", "hf:a/b/c", "hf:../b", "hf:a/b:", "hf:a/b:../x.gguf", "hf:a/b:Q4 K", "hf:a/b:/x.gguf",
        "http://example.org/x.gguf", "https://example.org/x.bin", "https://user:pw@example.org/x.gguf", "no/slashes",
        "bad\u{1B}[31m",
    ])
    func refused(spec: String) {
        #expect(throws: ModelSpecError.self) { try ModelSpec.parse(spec) }
    }

    /// Every catalog model is checked: by its own SHA-256, or else by the listing's `lfs.oid`; a
    /// listing without one refuses the pull before a byte moves.
    @Test func aCatalogModelWithoutAHashIsCheckedAgainstTheListingOrRefused() async throws {
        let endpoint = try HubEndpoint(environment: [:])
        let entry = try #require(ModelCatalog.entries.first { $0.sha256 == nil })
        guard case .hub(let repo, let file) = entry.source else { Issue.record("not a Hub entry"); return }
        let oid = String(repeating: "c", count: 64)
        let plan = try await PullPlan.make(for: .catalog(entry.name), endpoint: endpoint) { _ in [HubFile(path: file, size: 9, sha256: oid)] }
        #expect(plan.sha256 == oid)
        do {
            _ = try await PullPlan.make(for: .catalog(entry.name), endpoint: endpoint) { _ in [HubFile(path: file, size: 9, sha256: nil)] }
            Issue.record("a catalog model without any hash was planned")
        } catch let error as ModelPullError {
            #expect(error == .noHashToCheck(name: entry.name, repo: repo, file: file))
            #expect(!error.description.contains("\n"))
        }
        // Entries with a hash of their own keep it, whatever the listing lacks.
        for entry in ModelCatalog.entries where entry.sha256 != nil {
            #expect(entry.sha256.map(SHA256Hasher.isDigest) == true)
        }
    }

    @Test func theCatalogHasAModelOfEveryArchitectureTheRuntimeRuns() {
        let offered = Set(ModelCatalog.entries.map(\.architecture))
        #expect(offered == Set(ModelArchitecture.all.map(\.name)), "catalog: \(offered.sorted())")
        #expect(Set(ModelCatalog.names).count == ModelCatalog.entries.count)
        #expect(ModelCatalog.entries.allSatisfy { $0.fileName.hasSuffix(".gguf") })
    }

    @Test func errorsAreOneLineAndSayWhatWorks() {
        do {
            _ = try ModelSpec.parse("https://example.org/x.bin")
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains(".gguf"))
            #expect(!error.description.contains("\n"))
        }
    }
}

@Suite("Choosing a file of a repository")
struct HubFilePickerTests {
    let files = [
        HubFile(path: "README.md", size: 10, sha256: nil),
        HubFile(path: "m-Q4_K_M.gguf", size: 100, sha256: String(repeating: "a", count: 64)),
        HubFile(path: "m-Q4_K.gguf", size: 90, sha256: nil),
        HubFile(path: "m-Q8_0.gguf", size: 200, sha256: nil),
        HubFile(path: "big-Q6_K-00001-of-00002.gguf", size: 1, sha256: nil),
        HubFile(path: "big-Q6_K-00002-of-00002.gguf", size: 1, sha256: nil),
    ]

    func pick(_ choice: HubFileChoice) throws -> String {
        try HubFilePicker.pick(files, for: HubReference(owner: "o", name: "r", choice: choice)).path
    }

    @Test func byQuantAsAWholeToken() throws {
        #expect(try pick(.quant("Q4_K_M")) == "m-Q4_K_M.gguf")
        #expect(try pick(.quant("Q4_K")) == "m-Q4_K.gguf")
        #expect(try pick(.quant("q8_0")) == "m-Q8_0.gguf")
    }

    @Test func byNameAndByDefault() throws {
        #expect(try pick(.file("m-Q8_0.gguf")) == "m-Q8_0.gguf")
        #expect(try pick(.automatic) == "m-Q4_K_M.gguf")
    }

    @Test func refusals() {
        #expect(throws: ModelPullError.noSuchQuant(repo: "o/r", quant: "Q2_K", available: ["Q4_K_M", "Q4_K", "Q8_0", "Q6_K"])) {
            _ = try pick(.quant("Q2_K"))
        }
        #expect(throws: ModelPullError.splitFile(repo: "o/r", file: "big-Q6_K-00001-of-00002.gguf")) { _ = try pick(.quant("Q6_K")) }
        #expect(throws: ModelPullError.self) { _ = try pick(.file("nope.gguf")) }
        #expect(throws: ModelPullError.noGGUF(repo: "o/r")) {
            _ = try HubFilePicker.pick([files[0]], for: HubReference(owner: "o", name: "r", choice: .automatic))
        }
    }

    @Test func listingIsReadWithItsHashes() throws {
        let body = Data(#"""
            [{"type":"directory","path":"sub","size":0},
             {"type":"file","path":"a.gguf","size":5,"lfs":{"oid":"\#(String(repeating: "AB", count: 32))","size":7}},
             {"type":"file","path":"b.txt","size":3,"oid":"123"},
             {"type":"file","path":"c.gguf"}]
            """#.utf8)
        let listed = try #require(HubFile.parseListing(body))
        #expect(listed == [
            HubFile(path: "a.gguf", size: 7, sha256: String(repeating: "ab", count: 32)), HubFile(path: "b.txt", size: 3, sha256: nil),
        ])
        #expect(HubFile.parseListing(Data("{}".utf8)) == nil)
        #expect(HubFile.parseListing(Data(repeating: 0x20, count: HubFile.maxListingBytes + 1)) == nil)
    }
}
