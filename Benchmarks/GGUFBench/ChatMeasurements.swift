// Time to first token of a chat request and resident memory with a full context,
// measured in process (see the usage notes in main.swift).

import Foundation
import GGUFRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A user message that makes the templated prompt exactly `target` tokens (or the
/// first length past it, if words cannot land on it), from plain English words.
func chatPrompt(tokenizer: Tokenizer, template: ChatTemplate, target: Int) -> [Int32] {
    let words = """
        Could you help me plan a quiet weekend at home? I would like to read, cook something simple, \
        take a long walk in the park near the river, call my sister, and tidy the spare room. \
        Please suggest an order for these things and say roughly how long each one might take, \
        keeping the mornings calm and leaving the evenings free for a film or a board game.
        """.split(separator: " ").map(String.init)
    var text = ""
    var prompt: [Int32] = []
    for index in 0..<(words.count * 8) {
        text += (text.isEmpty ? "" : " ") + words[index % words.count]
        let segments = template.renderSegments(messages: [(role: "user", content: text)], addGenerationPrompt: true)
        prompt = tokenizer.encode(segments: segments, addSpecial: true)
        if prompt.count >= target { break }
    }
    return prompt
}

func measureTimeToFirstToken(path: String, promptTokens: Int, threads: Int?, repeats: Int) throws {
    let loadStart = now()
    let model = try LlamaModel(path: path, threads: threads)
    let tokenizer = try Tokenizer(file: model.file)
    let template = ChatTemplate.detect(in: model.file)
    let session = model.makeSession()
    let load = now() - loadStart
    let prompt = chatPrompt(tokenizer: tokenizer, template: template, target: promptTokens)
    let text = tokenizer.decode(prompt, renderSpecial: true)

    /// One request: template and tokenizer included, as the local backend does it.
    func request() throws -> Double {
        let start = now()
        let segments = template.renderSegments(
            messages: [(role: "user", content: userText(of: text))], addGenerationPrompt: true)
        let ids = tokenizer.encode(segments: segments, addSpecial: true)
        session.reset()
        var sampler = Sampler(.greedy)
        var first: Double?
        _ = try session.generate(prompt: ids, maxTokens: 1, sampler: &sampler, stopTokens: [], isCancelled: { false }) { _ in
            first = now()
        }
        return (first ?? now()) - start
    }
    let cold = try request()
    var warm: [Double] = []
    for _ in 0..<max(repeats, 1) { warm.append(try request()) }
    warm.sort()
    let median = warm[warm.count / 2]
    print(String(format: "ttft prompt=%d threads=%d load=%.3f s first=%.3f s median=%.3f s (of %d) min=%.3f s",
                 prompt.count, model.threads, load, cold, median, warm.count, warm[0]))
}

/// The user's text back out of the decoded prompt (between the user marker and the end
/// marker), so every request re-renders and re-tokenizes it as a new request would.
private func userText(of decoded: String) -> String {
    guard let start = decoded.range(of: "<|im_start|>user\n"),
          let end = decoded.range(of: "<|im_end|>", range: start.upperBound..<decoded.endIndex) else { return decoded }
    return String(decoded[start.upperBound..<end.lowerBound])
}

/// A field of /proc/self/status in bytes (the kernel reports kB), or 0 where there is none.
func statusBytes(_ field: String) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
        let number = line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
            .flatMap { Int($0) } ?? 0
        return number * 1024
    }
    return 0
}

func measureResidentMemory(path: String, context: Int, threads: Int?, generate: Int) throws {
    let model = try LlamaModel(path: path, contextLength: context, threads: threads)
    let tokenizer = try Tokenizer(file: model.file)
    let session = model.makeSession()
    let hp = model.hyperparameters
    let generated = min(max(generate, 1), context - 1)
    // Fill the cache with prompt batches up to the last `generated` positions.
    let fill = (0..<(context - generated)).map { Int32(($0 * 7919 + 13) % model.vocabularySize) }
    let start = now()
    _ = try session.evaluate(tokens: fill)
    var sampler = Sampler(.greedy)
    let result = try session.generate(prompt: [], maxTokens: generated, sampler: &sampler, stopTokens: [], isCancelled: { false })
    let elapsed = now() - start
    let peak = statusBytes("VmHWM"), resident = statusBytes("VmRSS")
    // The F16 cache as LlamaSession stores it: K and V, 2 bytes an element.
    let kvBytes = hp.layerCount * context * hp.kvHeadCount * hp.headDimension * 2 * 2
    let budget = model.file.fileSize + kvBytes + 64 << 20
    let mib = { (bytes: Int) in String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
    print("rss context=\(context) threads=\(model.threads) positions=\(session.position) generated=\(result.tokens.count)"
          + " vocab=\(tokenizer.vocabularySize) seconds=\(String(format: "%.1f", elapsed))")
    print("rss peak=\(mib(peak)) now=\(mib(resident)) file=\(mib(model.file.fileSize)) kv=\(mib(kvBytes))"
          + " budget=\(mib(budget)) \(peak <= budget ? "PASS" : "FAIL")")
}
