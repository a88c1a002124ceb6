// Measures greedy generation speed of the GGUF runtime, in the spirit of
// llama-bench's tg test: evaluate a short prompt, then generate N tokens one at a
// time, timing only the generation.
//
// usage: gguf-bench MODEL [-t THREADS] [-n TOKENS] [-r REPEATS] [--prompt-ids 1,2,3] [--print-ids]
//        gguf-bench MODEL --chat-ttft PROMPT_TOKENS [-t THREADS] [-r REPEATS]
//        gguf-bench MODEL --rss-context CONTEXT [-t THREADS] [-n TOKENS]
//        gguf-bench MODEL --grammar FILE [--prompt TEXT | --prompt-ids 1,2,3] [--temperature T] [-t THREADS] [-n TOKENS] [-r REPEATS]
//
// --chat-ttft: time to first token of a chat request whose templated prompt is
// PROMPT_TOKENS tokens, the way the local backend answers one: render the model's
// chat template, tokenize, evaluate the prompt in one pass, sample the first token
// greedily. Prints the load time (model and tokenizer), the first request right after
// loading and the median of REPEATS more, each on a reset session.
// --rss-context: peak resident memory (VmHWM) of a model with a CONTEXT-token KV
// cache and its tokenizer, after filling the context with prompt batches and
// generating TOKENS tokens at its end, against the budget file size + KV cache + 64 MiB.
// --grammar: tgN greedy without and with the GBNF grammar in FILE, alternating, after a
// chat prompt (TEXT, or one asking for a JSON decision matrix; --prompt-ids: raw ids);
// prints both rates and their ratio (e.g. Benchmarks/decision-matrix.gbnf). --temperature
// samples instead (top-k 40, top-p 0.95, min-p 0.05, seed 1), masking at every token.

import Foundation
import GGUFRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("gguf-bench: \(message)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let path = arguments.first else {
    fail("usage: gguf-bench MODEL [-t THREADS] [-n TOKENS] [-r REPEATS] [-p PROMPT_TOKENS] [--prompt-ids 1,2,3] [--print-ids]")
}
arguments.removeFirst()
var threads: Int? = nil
var generate = 128
var repeats = 3
var promptLength = 0
var promptIds: [Int32] = [1]
var printIds = false
var topCount = 0
var chatTTFT = 0
var rssContext = 0
var grammarPath: String?
var promptText: String?
var promptIdsGiven = false
var temperature: Float = 0
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    func next() -> String {
        guard !arguments.isEmpty else { fail("\(flag) needs a value") }
        return arguments.removeFirst()
    }
    switch flag {
    case "-t": threads = Int(next())
    case "-n": generate = Int(next()) ?? generate
    case "-r": repeats = Int(next()) ?? repeats
    case "-p": promptLength = Int(next()) ?? 0
    case "--prompt-ids":
        promptIds = next().split(separator: ",").compactMap { Int32($0) }
        promptIdsGiven = true
    case "--grammar": grammarPath = next()
    case "--prompt": promptText = next()
    case "--temperature": temperature = Float(next()) ?? 0
    case "--print-ids": printIds = true
    case "--top": topCount = Int(next()) ?? 5
    case "--chat-ttft": chatTTFT = Int(next()) ?? 100
    case "--rss-context": rssContext = Int(next()) ?? 4096
    default: fail("unknown option \(flag)")
    }
}

do {
    if chatTTFT > 0 {
        try measureTimeToFirstToken(path: path, promptTokens: chatTTFT, threads: threads, repeats: repeats)
        exit(0)
    }
    if let grammarPath {
        try measureGrammar(
            path: path, grammarPath: grammarPath, prompt: promptText, promptIds: promptIdsGiven ? promptIds : nil,
            threads: threads, generate: generate, repeats: repeats, temperature: temperature, printIds: printIds)
        exit(0)
    }
    if rssContext > 0 {
        try measureResidentMemory(path: path, context: rssContext, threads: threads, generate: generate)
        exit(0)
    }
    let model = try LlamaModel(path: path, contextLength: 2048, threads: threads)
    let session = model.makeSession()
    if topCount > 0 {
        // Log-probabilities of the most likely next tokens after the prompt.
        let logits = try session.evaluate(tokens: promptIds)
        let maximum = logits.max() ?? 0
        let logSum = log(logits.reduce(0) { $0 + exp(Double($1 - maximum)) }) + Double(maximum)
        for i in logits.indices.sorted(by: { logits[$0] > logits[$1] }).prefix(topCount) {
            print(i, Double(logits[i]) - logSum)
        }
        exit(0)
    }
    if promptLength > 0 {
        // Prompt processing: promptLength tokens in one evaluate call.
        let prompt = (0..<promptLength).map { Int32(($0 * 7919) % model.vocabularySize) }
        var rates: [Double] = []
        for _ in 0..<(repeats + 1) {
            session.reset()
            let start = now()
            _ = try session.evaluate(tokens: prompt)
            rates.append(Double(promptLength) / (now() - start))
        }
        rates.removeFirst()
        let mean = rates.reduce(0, +) / Double(rates.count)
        print("pp\(promptLength) threads=\(model.threads) t/s=\(String(format: "%.2f", mean))")
    }
    var rates: [Double] = []
    for run in 0..<(repeats + 1) {
        session.reset()
        var logits = try session.evaluate(tokens: promptIds)
        var ids: [Int32] = []
        let start = now()
        for _ in 0..<generate {
            var sampler = Sampler(.greedy)
            let token = sampler.sample(logits: logits, history: [])
            ids.append(token)
            logits = try session.evaluate(tokens: [token])
        }
        let elapsed = now() - start
        if run > 0 { rates.append(Double(generate) / elapsed) }
        if printIds && run == 0 { print(ids.map(String.init).joined(separator: ",")) }
    }
    let mean = rates.reduce(0, +) / Double(max(rates.count, 1))
    let variance = rates.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(rates.count - 1, 1))
    print("tg\(generate) threads=\(model.threads) t/s=\(String(format: "%.2f", mean)) +- \(String(format: "%.2f", variance.squareRoot())) kernels=\(GGUFKernels.levelName)")
} catch {
    fail("\(error)")
}
