import Foundation
import ParleyTestThreads
import Testing

/// `parley gguf ...` end to end on the default model (fetched by scripts/setup.sh).
@Suite("parley gguf", .heavy)
struct GGUFCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let model = root.appendingPathComponent("Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf").path

    struct Case: Decodable { var kind: String; var prompt: String; var prompt_tokens: [Int32]; var expected_text: String }
    struct Fixture: Decodable { var cases: [Case] }

    @Test func infoDescribesTheModel() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run(["gguf", "info", "--json", GGUFCommandTests.model])
        #expect(result.status == 0, "\(result.stderr)")
        let info = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(info["architecture"] as? String == "llama")
        #expect(info["tensorCount"] as? Int == 272)
        #expect((info["tensorTypes"] as? [String: Int]) == ["Q4_1": 210, "F32": 61, "Q8_0": 1])
        #expect(info["chatTemplate"] as? String == "chatML")
        // Keys in camelCase, an abbreviation written as a word (headCountKv, as conversationId).
        #expect(info["headCountKv"] as? Int == 3)
        #expect(info["headCountKV"] == nil)
    }

    @Test func tokenizeRecognisesSpecialTokensOnlyWhenAsked() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let plain = try runner.run(["gguf", "tokenize", GGUFCommandTests.model, "<|im_start|>user"])
        let special = try runner.run(["gguf", "tokenize", "--special", GGUFCommandTests.model, "<|im_start|>user"])
        #expect(special.stdout == "[1,4093]\n")
        #expect(plain.stdout != special.stdout)
        #expect(!plain.stdout.contains("[1,"))
    }

    /// Greedy raw completion prints exactly llama.cpp's text for the recorded prompts.
    @Test func greedyGenerateMatchesLlamaCpp() throws {
        let url = GGUFCommandTests.root.appendingPathComponent("Tests/GGUFRuntimeTests/Fixtures/greedy.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        for testCase in fixture.cases.prefix(3) {
            let result = try runner.run(["gguf", "generate", GGUFCommandTests.model, "--prompt", testCase.prompt, "--tokens", "24", "--temperature", "0"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == testCase.expected_text, "prompt: \(testCase.prompt)")
        }
    }

    @Test func benchReportsPromptAndGenerationSpeed() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run(["bench", GGUFCommandTests.model, "-p", "16", "-n", "4", "-r", "2", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.compactMap { $0["test"] as? String } == ["pp16", "tg4"])
        for row in rows {
            #expect((row["tokensPerSecond"] as? Double ?? 0) > 0)
            #expect((row["samples"] as? [Double])?.count == 2)
        }
        let bad = try runner.run(["bench", GGUFCommandTests.model, "-r", "0"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("-r must be at least 1"))
    }

    /// `gguf perplexity` prints llama-perplexity's figures for the recorded text, and its logits file
    /// compared with itself by `--kl-divergence` in two passes per chunk (both on the F32 attention
    /// path, as one pass of 128) gives the same tokens on top everywhere.
    @Test func perplexityMatchesLlamaCppAndReadsItsOwnLogits() async throws {
        struct Text: Decodable { var file: String; var chunk_perplexity: [String]; var final: String }
        struct Recorded: Decodable { var texts: [Text] }
        let url = GGUFCommandTests.root.appendingPathComponent("Tests/GGUFRuntimeTests/Fixtures/perplexity.json")
        let text = try JSONDecoder().decode(Recorded.self, from: Data(contentsOf: url)).texts[0]
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let logits = runner.home.url.appendingPathComponent("base.kld").path
        let scored = try await runner.run([
            "gguf", "perplexity", GGUFCommandTests.model, "-f", GGUFCommandTests.root.appendingPathComponent(text.file).path,
            "--ctx", "128", "--chunks", "2", "--save-logits", logits,
        ])
        #expect(scored.status == 0, "\(scored.stderr)")
        let expected = text.chunk_perplexity.enumerated().map { "[\($0.offset + 1)]\($0.element)," }.joined()
        #expect(scored.stdout == expected + "\n" + text.final + "\n")
        let compared = try await runner.run([
            "gguf", "perplexity", GGUFCommandTests.model, "--kl-divergence", "--kl-divergence-base", logits, "--batch", "64",
        ])
        #expect(compared.status == 0, "\(compared.stderr)")
        #expect(compared.stdout.contains("Same top p: 100.000 ± 0.000 %"), "\(compared.stdout)")
        #expect(compared.stdout.contains("Mean    KLD:   0.00000"))
    }

    @Test func perplexityRefusesWhatItCannotUse() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let bogus = runner.home.url.appendingPathComponent("bogus.kld")
        try Data("_logits_\u{0}\u{2}".utf8).write(to: bogus)
        let short = runner.home.url.appendingPathComponent("short.txt")
        try Data("Too short to score.".utf8).write(to: short)
        let cases: [([String], String)] = [
            (["--kl-divergence"], "needs --kl-divergence-base"),
            (["--kl-divergence", "--kl-divergence-base", bogus.path, "-f", short.path], "-f is not used"),
            ([], "give the text to score"),
            (["-f", short.path, "--ctx", "2"], "--ctx must be at least 4"),
            (["--kl-divergence", "--kl-divergence-base", bogus.path], "truncated or corrupt"),
            (["--kl-divergence", "--kl-divergence-base", "/etc/hostname"], "is not a logits file"),
            (["-f", short.path], "give a longer text"),
        ]
        for (arguments, message) in cases {
            let result = try runner.run(["gguf", "perplexity", GGUFCommandTests.model] + arguments)
            #expect(result.status != 0 && !result.signalled, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    /// `--lora FILE[:SCALE]` on `gguf generate`: llama.cpp's greedy text with the adapter
    /// (recorded in Tests/GGUFRuntimeTests/Fixtures/lora.json), the plain text at scale 0, and an
    /// adapter for another model refused in one line.
    @Test func generateAppliesLoRAAdapters() async throws {
        struct Entry: Decodable { var adapter: String; var scale: Float; var greedy: [Case] }
        struct Case: Decodable { var prompt_tokens: [Int32]; var expected_text: String }
        struct Recorded: Decodable { var adapters: [Entry] }
        let url = GGUFCommandTests.root.appendingPathComponent("Tests/GGUFRuntimeTests/Fixtures/lora.json")
        let entry = try JSONDecoder().decode(Recorded.self, from: Data(contentsOf: url)).adapters[2]
        let adapter = GGUFCommandTests.root.appendingPathComponent("Storage/test-models/\(entry.adapter)").path
        guard FileManager.default.fileExists(atPath: adapter) else {
            Issue.record("\(adapter) is missing; make it with scripts/make-test-models.sh")
            return
        }
        let runner = try ParleyRunner()
        defer { runner.remove() }
        // The third prompt of scripts/record-architecture-fixtures.py (where the adapter changes the text).
        let prompt = "Tides decide when the boats can leave and when they must return, when the rock pools are open "
            + "and when the causeway to the chapel is under water. Twice a month, at new moon and full moon, "
            + "the tides are at their largest. Children in the town learn to read a tide table early, and "
            + "they know that the sea does not care what time you have to be home. The lifeboat crew"
        let adapted = try await runner.run(["gguf", "generate", GGUFCommandTests.model, "--prompt", prompt, "--tokens", "16",
                                            "--lora", "\(adapter):\(entry.scale)"])
        #expect(adapted.status == 0, "\(adapted.stderr)")
        #expect(adapted.stdout == entry.greedy[2].expected_text)
        let plain = try await runner.run(["gguf", "generate", GGUFCommandTests.model, "--prompt", prompt, "--tokens", "16"])
        let off = try await runner.run(["gguf", "generate", GGUFCommandTests.model, "--prompt", prompt, "--tokens", "16",
                                        "--lora", adapter + ":0"])
        #expect(off.stdout == plain.stdout)
        #expect(plain.stdout != adapted.stdout)
        let mismatch = GGUFCommandTests.root.appendingPathComponent("Storage/test-models/lora-mismatch.gguf").path
        let refused = try await runner.run(["gguf", "generate", GGUFCommandTests.model, "--prompt", prompt, "--lora", mismatch])
        #expect(refused.status == 1 && refused.stdout.isEmpty)
        #expect(refused.stderr.contains("does not fit the model") && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
    }

    /// `ask --lora` runs the local model with the adapter (its greedy reply differs from the
    /// plain one), a config's `lora = [...]` does the same, and --lora with a server is refused.
    @Test func askTakesLoRAFromTheCommandLineAndTheConfig() async throws {
        let adapter = GGUFCommandTests.root.appendingPathComponent("Storage/test-models/lora-q8_0.gguf").path
        guard FileManager.default.fileExists(atPath: adapter) else {
            Issue.record("\(adapter) is missing; make it with scripts/make-test-models.sh")
            return
        }
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let ask = ["ask", "--no-save", "--temperature", "0", "--max-tokens", "24", "--gguf", GGUFCommandTests.model]
        let question = "Name three things a lifeboat crew checks before going out."
        let plain = try await runner.run(ask + [question])
        let adapted = try await runner.run(ask + ["--lora", adapter + ":1", question])
        #expect(plain.status == 0 && adapted.status == 0, "\(plain.stderr) \(adapted.stderr)")
        #expect(plain.stdout != adapted.stdout)
        let config = runner.home.url.appendingPathComponent("config/parley/config.toml")
        try FileManager.default.createDirectory(at: config.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "[backends.styled]\nkind = \"local\"\ngguf = \"\(GGUFCommandTests.model)\"\nlora = [\"\(adapter):1\"]\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let configured = try await runner.run(["ask", "--no-save", "--temperature", "0", "--max-tokens", "24", "--backend", "styled", question])
        #expect(configured.stdout == adapted.stdout, "\(configured.stderr)")
        let server = try await runner.run(["ask", "--base-url", "http://127.0.0.1:9/v1", "--lora", adapter, question])
        #expect(server.status != 0 && server.stderr.contains("--lora applies to the local backend"), "\(server.stderr)")
    }

    @Test func hostileFilesGiveOneLineErrors() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let truncated = runner.home.url.appendingPathComponent("truncated.gguf")
        try Data(try Data(contentsOf: URL(fileURLWithPath: GGUFCommandTests.model)).prefix(4096)).write(to: truncated)
        for arguments in [["gguf", "info", truncated.path], ["gguf", "info", "/nonexistent.gguf"], ["gguf", "tokenize", "/etc/hostname", "x"]] {
            let result = try runner.run(arguments)
            #expect(result.status == 1)
            #expect(!result.signalled)
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
    }
}
