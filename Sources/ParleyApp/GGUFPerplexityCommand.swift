import ArgumentParser
import Foundation
import GGUFRuntime
import ParleyCore

extension GGUFCommand {
    /// `parley gguf perplexity`: llama-perplexity's perplexity and KL-divergence measurements, with
    /// its method, output and logits file format, so Parley's numerics compare with llama.cpp's.
    struct Perplexity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Perplexity of a model over a text, or its KL divergence from a base run's logits (as llama-perplexity).",
            discussion: """
                The text is cut into chunks of --ctx tokens, each evaluated from an empty cache; the second half of \
                each chunk is scored. With --kl-divergence-base FILE (or --save-logits FILE) the log-probabilities of \
                every scored position are written in llama-perplexity's format; with --kl-divergence they are read \
                from that file instead (its tokens are the text) and compared with this model's: llama-perplexity \
                -m MODEL -f TEXT -c 512 -b 512 --kl-divergence-base BASE writes a file this reads, and the reverse.
                """)
        /// The longest text read: far more than a perplexity run on this runtime would get through.
        static let maximumTextBytes = 64 << 20

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The GGUF file.") var file: String
        @Option(name: [.customShort("f"), .customLong("file")], help: "The text to score.") var text: String?
        @Option(name: .customLong("ctx"), help: "Tokens per chunk.") var contextLength: Int = 512
        @Option(help: "Tokens per forward pass (at most 512 and --ctx).") var batch: Int = 512
        @Option(help: "Threads (default: all cores).") var threads: Int?
        @Option(help: "Score at most this many chunks.") var chunks: Int?
        @Option(name: .customLong("kl-divergence-base"), help: "The logits file: written, or with --kl-divergence read.")
        var base: String?
        @Flag(name: .customLong("kl-divergence"), help: "Compare with the logits in --kl-divergence-base instead of scoring a text.")
        var klDivergence = false
        @Option(name: .customLong("save-logits"), help: "Write this model's logits in the same format.") var saveLogits: String?
        @OptionGroup var lora: LoRAOptions
        @OptionGroup var numerics: NumericsOptions

        func validate() throws {
            if contextLength < 4 { throw ValidationError("--ctx must be at least 4") }
            if batch < 1 { throw ValidationError("--batch must be at least 1") }
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
            if let chunks, chunks < 1 { throw ValidationError("--chunks must be at least 1") }
            if klDivergence {
                if base == nil { throw ValidationError("--kl-divergence needs --kl-divergence-base FILE, the logits to compare with") }
                if text != nil { throw ValidationError("-f is not used with --kl-divergence: the tokens come from the base file") }
                if saveLogits != nil, saveLogits == base { throw ValidationError("--save-logits would overwrite the base file") }
            } else {
                if text == nil { throw ValidationError("give the text to score with -f FILE") }
                if let base, let saveLogits, base != saveLogits {
                    throw ValidationError("--kl-divergence-base and --save-logits both name the file to write; give one")
                }
            }
        }

        func run() async throws {
            if klDivergence {
                try runKLDivergence()
            } else {
                try runPerplexity()
            }
        }

        private func load(contextLength: Int) throws -> (LlamaModel, Tokenizer) {
            try GGUFCommand.open(file) {
                let model = try LlamaModel(path: file, contextLength: contextLength, threads: threads, loras: lora.specs(),
                                           numerics: numerics.order)
                return (model, try Tokenizer(file: model.file))
            }
        }

        private func runPerplexity() throws {
            let path = text!
            let data: Data
            do {
                data = try BoundedFile.read(path, limit: Self.maximumTextBytes)
            } catch {
                throw Failure(description: "\(path): \(error)")
            }
            let (model, tokenizer) = try load(contextLength: contextLength)
            // As llama-perplexity: BOS when the vocabulary adds it, special-token text left as text.
            let tokens = tokenizer.encode(String(decoding: data, as: UTF8.self), parseSpecial: false, addSpecial: true)
            try GGUFCommand.open(file) { try PerplexityRunner.validate(tokenCount: tokens.count, contextLength: contextLength) }
            let count = PerplexityRunner.chunkCount(tokenCount: tokens.count, contextLength: contextLength, limit: chunks)
            let step = min(batch, contextLength, LlamaSession.batchCapacity)
            Console.status("\(tokens.count) tokens; perplexity over \(count) chunks, n_ctx=\(contextLength), batch_size=\(step), n_seq=1")
            let writer = try (saveLogits ?? base).map {
                try LogitsBaseWriter(path: $0, contextLength: contextLength, vocabularySize: model.vocabularySize, chunkCount: count,
                                     tokens: Array(tokens[0..<(count * contextLength)]))
            }
            let runner = PerplexityRunner(model: model, bos: tokenizer.addBOS ? tokenizer.bosID : nil)
            let result = try GGUFCommand.open(file) {
                try runner.perplexity(tokens: tokens, contextLength: contextLength, batchSize: step, chunks: count, writer: writer) { chunk, running in
                    Console.out(running.chunkText(chunk))
                }
            }
            Console.out("\n" + result.finalText + "\n")
        }

        private func runKLDivergence() throws {
            let baseFile = try GGUFCommand.open(base!) { try LogitsBaseFile(path: base!) }
            let context = baseFile.contextLength
            let (model, tokenizer) = try load(contextLength: context)
            let count = chunks.map { min($0, baseFile.chunkCount) } ?? baseFile.chunkCount
            let step = min(batch, context, LlamaSession.batchCapacity)
            Console.status("KL divergence over \(count) chunks, n_ctx=\(context), batch_size=\(step), n_seq=1")
            let writer = try saveLogits.map {
                try LogitsBaseWriter(path: $0, contextLength: context, vocabularySize: model.vocabularySize, chunkCount: count,
                                     tokens: Array(baseFile.tokens[0..<(count * context)]))
            }
            let runner = PerplexityRunner(model: model, bos: tokenizer.addBOS ? tokenizer.bosID : nil)
            Console.out(KLDivergenceReport.chunkHeader + "\n")
            let result = try GGUFCommand.open(file) {
                try runner.klDivergence(base: baseFile, batchSize: step, chunks: count, writer: writer) { chunk, running in
                    Console.out(KLDivergenceReport.chunkLine(chunk, running) + "\n")
                }
            }
            Console.out("\n" + (KLDivergenceReport.summary(result) ?? ""))
        }
    }
}

/// Their messages name the file already; the model's path in front would only repeat.
extension PerplexityError: UserFacingError {}
extension LoRAError: UserFacingError {}
