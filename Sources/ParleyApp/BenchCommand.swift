import ArgumentParser
import Foundation
import GGUFRuntime
import ParleyCore

/// `parley bench`: prompt processing and token generation speed of the local runtime, in the style
/// of llama.cpp's llama-bench (pp: one batch of P tokens; tg: N tokens one at a time), each after a
/// warm-up, as mean and standard deviation over repeats.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure the local runtime's speed (prompt processing and generation), llama-bench style.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The GGUF file (default: the default model in the storage directory).") var file: String?
    @Option(name: .customShort("t"), help: "Threads (default: all cores).") var threads: Int?
    @Option(name: .customShort("p"), help: "Prompt tokens for the pp test (0 skips it).") var promptTokens = 512
    @Option(name: .customShort("n"), help: "Generated tokens for the tg test (0 skips it).") var generatedTokens = 128
    @Option(name: .customShort("r"), help: "Repeats of each test.") var repeats = 5
    @Option(
        name: .customLong("conversation"),
        help: ArgumentHelp(
            "Instead: time to first token at each of TURNS turns of a growing chat (the assistant persona), with and without prefix reuse, then pp4096.",
            valueName: "turns"))
    var conversationTurns: Int?
    @Option(help: ArgumentHelp("With --conversation: the longest reply per turn, in tokens.", valueName: "n"))
    var replyTokens = 200
    @Flag(help: "Print a JSON array of results.") var json = false

    func validate() throws {
        if let conversationTurns, !(1...100).contains(conversationTurns) {
            throw ValidationError("--conversation takes 1 to 100 turns")
        }
        if replyTokens < 1 { throw ValidationError("--reply-tokens must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("-t must be at least 1") }
        if promptTokens < 0 || generatedTokens < 0 { throw ValidationError("-p and -n cannot be negative") }
        if promptTokens == 0 && generatedTokens == 0 { throw ValidationError("-p and -n are both 0: nothing to measure") }
        if repeats < 1 { throw ValidationError("-r must be at least 1") }
        let maximum = LlamaModel.maximumContextLength - 1
        if promptTokens > maximum || generatedTokens > maximum {
            throw ValidationError("-p \(promptTokens) / -n \(generatedTokens): a context holds at most \(maximum) tokens here")
        }
    }

    struct Result: Encodable {
        var model: String
        var fileSize: Int
        var parameters: Int
        var threads: Int
        var test: String
        var tokensPerSecond: Double
        var standardDeviation: Double
        var samples: [Double]
    }

    func run() async throws {
        let context = try AppContext(global: global)
        let path = try BackendFactory(context: context).modelPath(file, otherwise: "a GGUF file: parley bench FILE")
        if let conversationTurns {
            try await conversation(turns: conversationTurns, path: path, context: context)
            return
        }
        let results = try measure(path: path, promptTokens: promptTokens, generatedTokens: generatedTokens)
        if json {
            Console.out(try JSONOutput.encode(results) + "\n")
            return
        }
        Console.out(Self.table(results))
    }

    /// `--conversation`: the growing chat, then pp4096 (filling a 4,096-token context from scratch).
    private func conversation(turns: Int, path: String, context: AppContext) async throws {
        let persona = try context.loadPersonas().persona(named: "assistant")
        let bench = ConversationBench(
            path: path, threads: threads, turns: turns, replyTokens: replyTokens, systemPrompt: persona.systemPrompt,
            examples: persona.examples)
        let measured = try await bench.run()
        let full = try measure(path: path, promptTokens: 4096, generatedTokens: 0)
        if json {
            struct Report: Encodable {
                var turns: [ConversationBench.Turn]
                var pp4096: [Result]
            }
            Console.out(try JSONOutput.encode(Report(turns: measured, pp4096: full)) + "\n")
            return
        }
        var out = ConversationBench.table(measured)
        if let last = measured.last, measured.count > 1 {
            out += String(format: "turn %d / turn 1 measured next to it, first token: %.2f with reuse (target <= 1.2), %.2f from scratch\n",
                          last.turn, last.firstTokenSecondsReused / last.firstTurnSecondsNow,
                          last.firstTokenSecondsFromScratch / last.firstTurnSecondsNow)
        }
        out += "\n" + Self.table(full)
        if let pp = full.first {
            out += String(format: "pp4096 from scratch: %.2f s\n", 4096 / pp.tokensPerSecond)
        }
        Console.out(out)
    }

    /// ppN and tgN as llama-bench measures them, each after a warm-up.
    private func measure(path: String, promptTokens: Int, generatedTokens: Int) throws -> [Result] {
        let model = try GGUFCommand.open(path) {
            try LlamaModel(path: path, contextLength: max(promptTokens, generatedTokens + 1) + 1, threads: threads)
        }
        let session = model.makeSession()
        // Token ids spread over the vocabulary, the same every run.
        let vocabulary = Int32(model.vocabularySize)
        let prompt = (0..<max(promptTokens, 1)).map { Int32(($0 * 7919 + 13) % Int(vocabulary)) }
        func timed(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        func pp() throws -> Double {
            session.reset()
            return Double(promptTokens) / (try timed { _ = try session.evaluate(tokens: Array(prompt.prefix(promptTokens))) })
        }
        func tg() throws -> Double {
            session.reset()
            _ = try session.evaluate(tokens: [prompt[0]])
            return Double(generatedTokens) / (try timed {
                for i in 0..<generatedTokens { _ = try session.evaluate(tokens: [prompt[(i + 1) % prompt.count]]) }
            })
        }
        var results: [Result] = []
        let name = model.file.displayName(fileName: URL(fileURLWithPath: path).lastPathComponent)
        let parameters = model.file.tensors.reduce(0) { $0 + $1.elementCount }
        for (test, measure) in [("pp\(promptTokens)", promptTokens > 0 ? pp : nil), ("tg\(generatedTokens)", generatedTokens > 0 ? tg : nil)] {
            guard let measure else { continue }
            _ = try GGUFCommand.open(path) { try measure() }  // warm-up
            var samples: [Double] = []
            for _ in 0..<repeats { samples.append(try GGUFCommand.open(path) { try measure() }) }
            let mean = samples.reduce(0, +) / Double(samples.count)
            let variance = samples.count > 1 ? samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count - 1) : 0
            results.append(Result(
                model: name, fileSize: model.file.fileSize, parameters: parameters, threads: model.threads, test: test,
                tokensPerSecond: mean, standardDeviation: variance.squareRoot(), samples: samples))
        }
        return results
    }

    private static func table(_ results: [Result]) -> String {
        var out = "| model | size | params | threads | test | t/s |\n|---|---|---|---|---|---|\n"
        for r in results {
            let size = String(format: "%.2f MiB", Double(r.fileSize) / 1_048_576)
            let params = String(format: "%.2f M", Double(r.parameters) / 1e6)
            let speed = String(format: "%.2f ± %.2f", r.tokensPerSecond, r.standardDeviation)
            out += "| \(TerminalSanitizer.sanitize(r.model)) | \(size) | \(params) | \(r.threads) | \(r.test) | \(speed) |\n"
        }
        return out
    }
}
