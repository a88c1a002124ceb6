// Greedy generation speed with and without a grammar, in one run (see the usage notes in
// main.swift).

import Foundation
import GGUFRuntime

/// The request a grammar run answers unless --prompt names another: one that asks for what the
/// example grammar (Benchmarks/decision-matrix.gbnf) describes.
let defaultGrammarPrompt = "Should I learn Rust or Go first? Compare them as a JSON decision matrix."

/// tgN greedy, unconstrained and under the grammar in `grammarPath`, alternating which goes
/// first, after a warm-up pair. Each constrained run starts from a new constraint (cold state
/// caches, as a new request would); the vocabulary trie is built once, before timing, as it is
/// once per model. When the grammar completes (it allows only end-of-generation tokens), the
/// run starts the grammar again on the next token, so both runs time the same token count.
func measureGrammar(
    path: String, grammarPath: String, prompt promptText: String?, promptIds: [Int32]?, threads: Int?,
    generate: Int, repeats: Int, temperature: Float, printIds: Bool
) throws {
    // Greedy by default; with a temperature, llama.cpp-like defaults (top-k 40, top-p 0.95,
    // min-p 0.05) and a fixed seed, the same for both runs.
    let sampling = temperature > 0 ? SamplingParameters(temperature: temperature, seed: 1) : .greedy
    let model = try LlamaModel(path: path, contextLength: 2048, threads: threads)
    let tokenizer = try Tokenizer(file: model.file)
    let grammar = try Grammar(gbnf: String(contentsOfFile: grammarPath, encoding: .utf8))
    let trieStart = now()
    let vocabulary = tokenizer.grammarVocabulary
    let trieSeconds = now() - trieStart
    let template = ChatTemplate.detect(in: model.file)
    let prompt = promptIds ?? tokenizer.encode(
        segments: template.renderSegments(
            messages: [(role: "user", content: promptText ?? defaultGrammarPrompt)], addGenerationPrompt: true),
        addSpecial: true)
    let stops = tokenizer.endOfGenerationIDs.union(model.stopTokens)
    let session = model.makeSession()

    func unconstrained() throws -> Double {
        session.reset()
        var logits = try session.evaluate(tokens: prompt)
        var ids: [Int32] = []
        var sampler = Sampler(sampling)
        let start = now()
        for _ in 0..<generate {
            let token = sampler.sample(logits: logits, history: ids)
            ids.append(token)
            logits = try session.evaluate(tokens: [token])
        }
        return Double(generate) / (now() - start)
    }

    var firstText: String?
    // The first constrained run's ids up to its first end of generation (included), to compare
    // with llama-server's answer to the same prompt ids and grammar.
    var firstIds: [Int32]?
    var last = GrammarConstraint.Statistics()
    var documents = 0
    // Time in the grammar's own work (picking under it and advancing), over all timed runs.
    var grammarSeconds = 0.0
    var grammarTokens = 0
    var slowest = 0.0
    func constrained() throws -> Double {
        session.reset()
        var logits = try session.evaluate(tokens: prompt)
        var ids: [Int32] = []
        var finished = 0
        var totals = GrammarConstraint.Statistics()
        let start = now()
        var constraint = try GrammarConstraint(grammar: grammar, tokenizer: tokenizer)
        var sampler = Sampler(sampling)
        for _ in 0..<generate {
            let grammarStart = now()
            var token = try constraint.sample(logits: logits, history: ids, sampler: &sampler, stopTokens: stops)
            if token == nil || stops.contains(token!) {
                // The document is complete: start the grammar again.
                if finished == 0, firstIds == nil { firstIds = ids + (token.map { [$0] } ?? []) }
                finished += 1
                totals.add(constraint.statistics)
                constraint.reset()
                token = try constraint.sample(logits: logits, history: ids, sampler: &sampler, stopTokens: stops)
            }
            guard let token else { throw GrammarError.noAllowedToken }
            try constraint.accept(token, stopTokens: stops)
            grammarSeconds += now() - grammarStart
            slowest = max(slowest, now() - grammarStart)
            ids.append(token)
            logits = try session.evaluate(tokens: [token])
        }
        let rate = Double(generate) / (now() - start)
        totals.add(constraint.statistics)
        last = totals
        documents = finished
        if firstIds == nil { firstIds = ids }
        if firstText == nil { firstText = String(decoding: ids.flatMap { vocabulary.piece($0) }, as: UTF8.self) }
        return rate
    }

    var plainRates: [Double] = []
    var grammarRates: [Double] = []
    for run in 0..<(repeats + 1) {
        let plain: Double
        let constrainedRate: Double
        if run % 2 == 0 {
            plain = try unconstrained()
            constrainedRate = try constrained()
        } else {
            constrainedRate = try constrained()
            plain = try unconstrained()
        }
        if run == 0 { grammarSeconds = 0 } else { grammarTokens += generate }
        if run > 0 {
            plainRates.append(plain)
            grammarRates.append(constrainedRate)
        }
    }
    func summary(_ rates: [Double]) -> String {
        let mean = rates.reduce(0, +) / Double(max(rates.count, 1))
        let variance = rates.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(rates.count - 1, 1))
        return String(format: "%.2f +- %.2f", mean, variance.squareRoot())
    }
    let ratios = zip(grammarRates, plainRates).map { $0 / $1 }
    let meanRatio = ratios.reduce(0, +) / Double(max(ratios.count, 1))
    let name = URL(fileURLWithPath: grammarPath).lastPathComponent
    print("grammar \(name): \(grammar.ruleCount) rules; vocabulary trie \(vocabulary.nodeCount) nodes built in \(String(format: "%.3f", trieSeconds)) s; prompt \(prompt.count) tokens")
    if temperature > 0 { print("sampling: temperature \(temperature), top-k 40, top-p 0.95, min-p 0.05, seed 1") }
    print("tg\(generate) threads=\(model.threads) unconstrained t/s=\(summary(plainRates))")
    print("tg\(generate) threads=\(model.threads) grammar     t/s=\(summary(grammarRates)) ratio=\(String(format: "%.3f", meanRatio)) (target >= 0.85)")
    let plainMean = plainRates.reduce(0, +) / Double(max(plainRates.count, 1))
    let perToken = grammarSeconds / Double(max(grammarTokens, 1))
    print(String(format: "grammar work %.1f us/token = %.1f%% of an unconstrained token (%.2f ms); slowest token %.2f ms",
                 perToken * 1e6, perToken * plainMean * 100, 1000 / plainMean, slowest * 1000))
    print("last constrained run: fast path \(last.fastPathTokens), masked \(last.maskedTokens), masks computed \(last.masksComputed), documents completed \(documents)")
    if printIds {
        print("prompt ids: " + prompt.map(String.init).joined(separator: ","))
        print("grammar ids: " + (firstIds ?? []).map(String.init).joined(separator: ","))
    }
    if let firstText { print("output: \(String(firstText.prefix(300)).debugDescription)") }
}

extension GrammarConstraint.Statistics {
    mutating func add(_ other: GrammarConstraint.Statistics) {
        fastPathTokens += other.fastPathTokens
        maskedTokens += other.maskedTokens
        masksComputed += other.masksComputed
    }
}
