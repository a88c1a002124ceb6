import Foundation
import ParleyTestThreads
import Testing
@testable import GGUFRuntime

/// LoRA adapters on the default model against llama.cpp's `--lora-scaled` (recorded by
/// scripts/record-lora-fixtures.py on the adapters scripts/make-test-models.sh writes): the same
/// perplexity, logits and greedy text; and adapters that do not fit refused before anything runs.
@Suite(.heavy, .serialized) struct LoRAFixtureTests {
    struct Fixture: Decodable {
        struct Entry: Decodable {
            let adapter: String
            let scale: Float
            let sha256: String
            let perplexity: ArchitectureFixtureTests.Fixture.Model.Perplexity
            let greedy: [ArchitectureFixtureTests.Fixture.Model.Greedy]
        }
        let context: Int
        let chunks: Int
        let text: String
        let adapters: [Entry]
    }

    /// Recorded by llama.cpp built for `order`'s instruction set (lora.json, lora-avx2.json).
    static func fixture(_ order: NumericsOrder = .avx512) throws -> Fixture {
        try ArchitectureFixtureTests.fixture(named: order == .avx512 ? "lora.json" : "lora-avx2.json", as: Fixture.self)
    }

    static func adapterPath(_ name: String) -> String { ArchitectureFixtureTests.directory + "/" + name }

    /// The default model with the recorded adapter, or nil after recording why.
    static func model(_ entry: Fixture.Entry, numerics: NumericsOrder = .default) throws -> LlamaModel? {
        guard TestModel.isPresent else {
            if !TestModel.allowMissing { Issue.record(Comment(rawValue: TestModel.missingMessage)) }
            return nil
        }
        let path = adapterPath(entry.adapter)
        guard try ArchitectureFixtureTests.isRecordedFile(path, sha256: entry.sha256) else { return nil }
        return try LlamaModel(path: TestModel.path, contextLength: 512, threads: 2, loras: [LoRASpec(path: path, scale: entry.scale)],
                              numerics: numerics)
    }

    @Test(arguments: NumericsOrder.allCases)
    func fixtureCoversEveryPairTypeAndAScale(_ order: NumericsOrder) throws {
        let entries = try Self.fixture(order).adapters
        #expect(Set(entries.map(\.adapter)) == ["lora-f32.gguf", "lora-f16.gguf", "lora-q8_0.gguf"])
        #expect(entries.contains { $0.scale != 1 })
    }

    @Test(arguments: 0..<4, NumericsOrder.allCases)
    func logitsAndGreedyTextMatchLlamaCpp(_ index: Int, _ order: NumericsOrder) async throws {
        let fixture = try Self.fixture(order)
        let entry = fixture.adapters[index]
        guard let model = try Self.model(entry, numerics: order) else { return }
        let label = "\(entry.adapter):\(entry.scale), \(order)"
        try await ArchitectureFixtureTests.expectLogitsMatch(model, entry.perplexity, context: fixture.context,
                                                             chunks: fixture.chunks, text: fixture.text, label: label)
        try await ArchitectureFixtureTests.expectGreedyMatch(model, entry.greedy, label: label)
    }

    /// Scale 0 is the model without the adapter, to the bit; any other scale changes it.
    @Test func scaleZeroIsNoAdapter() async throws {
        guard TestModel.isPresent else { return }
        let path = Self.adapterPath("lora-q8_0.gguf")
        guard FileManager.default.fileExists(atPath: path) else {
            if !TestModel.allowMissing { Issue.record("\(path) is missing; make it with scripts/make-test-models.sh") }
            return
        }
        let prompt: [Int32] = [504, 39262, 8445, 198, 198, 57, 30, 16062]
        func logits(_ loras: [LoRASpec]) async throws -> [Float] {
            try await onOwnThread { try LlamaModel(path: TestModel.path, contextLength: 64, threads: 2, loras: loras).makeSession().evaluate(tokens: prompt) }
        }
        let plain = try await logits([])
        #expect(try await logits([LoRASpec(path: path, scale: 0)]) == plain)
        #expect(try await logits([LoRASpec(path: path, scale: 0.25)]) != plain)
    }

    @Test func adaptersForAnotherModelAreRefusedOnLoad() throws {
        guard TestModel.isPresent else { return }
        let mismatch = Self.adapterPath("lora-mismatch.gguf")
        if FileManager.default.fileExists(atPath: mismatch) {
            #expect(throws: LoRAError.self) { try LlamaModel(path: TestModel.path, contextLength: 64, loras: [LoRASpec(path: mismatch)]) }
            do {
                _ = try LlamaModel(path: TestModel.path, contextLength: 64, loras: [LoRASpec(path: mismatch, scale: 0)])
                Issue.record("a mismatched adapter at scale 0 was accepted")
            } catch let error as LoRAError {
                #expect(error.description.contains("blk.0.attn_q.weight maps 576 inputs to 288 outputs"), "\(error)")
            }
        } else if !TestModel.allowMissing {
            Issue.record("\(mismatch) is missing; make it with scripts/make-test-models.sh")
        }
        // A model is not an adapter.
        #expect(throws: LoRAError.notAnAdapter(path: TestModel.path, type: "model")) {
            try LlamaModel(path: TestModel.path, contextLength: 64, loras: [LoRASpec(path: TestModel.path)])
        }
    }

    static func writeAdapter(_ configure: (inout GGUFTestWriter) -> Void) throws -> String {
        var w = GGUFTestWriter()
        w.add("general.architecture", .string("llama"))
        w.add("general.type", .string("adapter"))
        w.add("adapter.type", .string("lora"))
        w.add("adapter.lora.alpha", .float32(8))
        configure(&w)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-\(UUID().uuidString).gguf").path
        try Data(w.bytes()).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Hand-made adapters with one thing wrong each: named in one line, before generation.
    @Test func malformedAdaptersAreNamed() throws {
        var tiny = LlamaModelLoadTests.tinyModel()
        let modelFile = try GGUFFile(bytes: tiny.bytes())
        let zeros = { (n: Int) in [Float](repeating: 0.01, count: n) }
        let cases: [(String, (inout GGUFTestWriter) -> Void)] = [
            ("without its other half", { $0.addF32Tensor("blk.0.attn_q.weight.lora_a", dimensions: [64, 4], values: zeros(256)) }),
            ("neither a lora_a nor a lora_b", { $0.addF32Tensor("blk.0.attn_q.weight", dimensions: [64, 64], values: zeros(4096)) }),
            ("no attention or feed-forward weight", {
                $0.addF32Tensor("token_embd.weight.lora_a", dimensions: [64, 4], values: zeros(256))
                $0.addF32Tensor("token_embd.weight.lora_b", dimensions: [4, 16], values: zeros(64))
            }),
            ("rank", {
                $0.addF32Tensor("blk.0.attn_q.weight.lora_a", dimensions: [64, 4], values: zeros(256))
                $0.addF32Tensor("blk.0.attn_q.weight.lora_b", dimensions: [8, 64], values: zeros(512))
            }),
            ("is for qwen2 models", {
                $0.metadata[0] = ("general.architecture", .string("qwen2"))
            }),
            ("supported: F32, F16, Q8_0", {
                $0.addTensor("blk.0.attn_q.weight.lora_a", dimensions: [64, 4], type: 3, data: [UInt8](repeating: 0, count: 160))
                $0.addF32Tensor("blk.0.attn_q.weight.lora_b", dimensions: [4, 64], values: zeros(256))
            }),
        ]
        for (message, configure) in cases {
            let path = try Self.writeAdapter(configure)
            defer { try? FileManager.default.removeItem(atPath: path) }
            do {
                _ = try LlamaModel(file: modelFile, threads: 1, loras: [LoRASpec(path: path)])
                Issue.record("accepted: \(message)")
            } catch let error as LoRAError {
                #expect(error.description.contains(message), "\(error)")
                #expect(!error.description.contains("\n"))
            }
        }
        // A good one changes the tiny model's logits at scale 1 and not at scale 0.
        let good = try Self.writeAdapter {
            $0.addF32Tensor("blk.0.ffn_down.weight.lora_a", dimensions: [128, 4], values: zeros(512))
            $0.addF32Tensor("blk.0.ffn_down.weight.lora_b", dimensions: [4, 64], values: zeros(256))
        }
        defer { try? FileManager.default.removeItem(atPath: good) }
        let plain = try LlamaModel(file: modelFile, threads: 1).makeSession().evaluate(tokens: [3, 4])
        #expect(try LlamaModel(file: modelFile, threads: 1, loras: [LoRASpec(path: good, scale: 0)]).makeSession().evaluate(tokens: [3, 4]) == plain)
        #expect(try LlamaModel(file: modelFile, threads: 1, loras: [LoRASpec(path: good)]).makeSession().evaluate(tokens: [3, 4]) != plain)
    }

    /// A saved state is the model's with its adapters: another adapter or scale is another
    /// fingerprint (a state read back would hold keys the adapters did not compute); scale 0 is none.
    @Test func savedStatesNameTheirAdapters() throws {
        var tiny = LlamaModelLoadTests.tinyModel()
        let modelFile = try GGUFFile(bytes: tiny.bytes())
        let weights = [Float](repeating: 0.01, count: 512)
        let first = try Self.writeAdapter {
            $0.addF32Tensor("blk.0.ffn_down.weight.lora_a", dimensions: [128, 4], values: weights)
            $0.addF32Tensor("blk.0.ffn_down.weight.lora_b", dimensions: [4, 64], values: Array(weights.prefix(256)))
        }
        defer { try? FileManager.default.removeItem(atPath: first) }
        func fingerprint(_ loras: [LoRASpec]) throws -> SessionFingerprint {
            SessionFingerprint(try LlamaModel(file: modelFile, threads: 1, loras: loras).makeSession())
        }
        let plain = try fingerprint([])
        #expect(try fingerprint([LoRASpec(path: first, scale: 0)]) == plain)
        let one = try fingerprint([LoRASpec(path: first)])
        #expect(one != plain)
        #expect(try fingerprint([LoRASpec(path: first, scale: 0.5)]) != one)
        #expect(try fingerprint([LoRASpec(path: first)]) == one)
        #expect(one.difference(from: plain) == "another model file or other LoRA adapters (or a file changed since)")
    }

    @Test func specsParseFileAndScale() throws {
        #expect(try LoRASpec(parsing: "a.gguf") == LoRASpec(path: "a.gguf", scale: 1))
        #expect(try LoRASpec(parsing: "a.gguf:0.5") == LoRASpec(path: "a.gguf", scale: 0.5))
        #expect(try LoRASpec(parsing: "/tmp/x:y/a.gguf") == LoRASpec(path: "/tmp/x:y/a.gguf", scale: 1))
        #expect(try LoRASpec(parsing: "a.gguf:-1") == LoRASpec(path: "a.gguf", scale: -1))
        #expect(throws: LoRAError.invalidScale("inf")) { try LoRASpec(parsing: "a.gguf:inf") }
    }
}
