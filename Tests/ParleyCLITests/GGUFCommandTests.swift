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
