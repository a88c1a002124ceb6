import ArgumentParser
import Foundation
import GGUFRuntime
import ParleyCore
import ParleyEngine
import ParleyLocal

/// `parley gguf ...`: look inside a GGUF file and run it raw, for people and for tests.
struct GGUFCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gguf", abstract: "Inspect, tokenize with and run a GGUF model file.",
        subcommands: [Info.self, Tokenize.self, Generate.self, GrammarOf.self, Perplexity.self])

    /// A runtime error, named with the file it concerns.
    struct Failure: UserFacingError {
        var description: String
    }

    static func open<T>(_ path: String, _ body: () throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else { throw Failure(description: "no such file: \(path)") }
        do {
            return try body()
        } catch let error as UserFacingError {
            throw error
        } catch {
            throw Failure(description: "\(path): \(error)")
        }
    }

    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Architecture, sizes, tensor types and chat template of a GGUF file.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The GGUF file.") var file: String
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            let info = try GGUFCommand.open(file) { try GGUFInfo(file: GGUFFile(path: file)) }
            if json {
                Console.out(try JSONOutput.encode(info) + "\n")
            } else {
                Console.out(info.text)
            }
        }
    }

    struct Tokenize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the token ids of a text as a JSON array.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The GGUF file.") var file: String
        @Argument(help: "The text.") var text: String
        @Flag(help: "Recognise special tokens (like <|im_start|>) in the text.") var special = false

        func run() async throws {
            let tokenizer = try GGUFCommand.open(file) { try Tokenizer(file: GGUFFile(path: file)) }
            let ids = tokenizer.encode(text, parseSpecial: special)
            Console.out("[" + ids.map(String.init).joined(separator: ",") + "]\n")
        }
    }

    struct GrammarOf: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grammar",
            abstract: "Print the GBNF grammar a JSON schema becomes (the language llama.cpp's converter gives).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The JSON schema: a file, or the schema itself ({...}).", valueName: "file|json"))
        var schema: String

        func run() async throws {
            Console.out(try ResponseGrammar.gbnf(for: ResponseFormatSource.schema(schema)))
        }
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Complete a prompt with the model, raw (no chat template); prints only the generated text.",
            discussion: "Special tokens in the prompt are recognised. Temperature 0 is greedy decoding.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The GGUF file.") var file: String
        @Option(help: "The prompt text.") var prompt: String
        @Option(help: "How many tokens to generate at most.") var tokens: Int = 64
        @Option(help: "Sampling temperature (0 = greedy).") var temperature: Double = 0
        @Option(help: "Random seed.") var seed: UInt64 = 0
        @Option(help: "Threads (default: all cores).") var threads: Int?
        @Option(name: .customLong("context"), help: "Context length (default: min(the model's, 4096)).") var contextLength: Int?
        @Flag(help: "Print tokens per second on stderr.") var timing = false
        @OptionGroup var format: ResponseFormatFlags
        @OptionGroup var lora: LoRAOptions
        @OptionGroup var numerics: NumericsOptions

        func validate() throws {
            if tokens < 1 { throw ValidationError("--tokens must be at least 1") }
            if !(0...2).contains(temperature) { throw ValidationError("--temperature must be between 0 and 2") }
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        }

        func run() async throws {
            let (model, tokenizer) = try GGUFCommand.open(file) {
                let model = try LlamaModel(path: file, contextLength: contextLength, threads: threads, loras: lora.specs(),
                                           numerics: numerics.order)
                return (model, try Tokenizer(file: model.file))
            }
            let ids = tokenizer.encode(prompt, parseSpecial: true, addSpecial: true)
            guard !ids.isEmpty else { throw ValidationError("the prompt is empty") }
            let responseFormat = try format.load()
            let constraint = try responseFormat.map { responseFormat in
                try GGUFCommand.open(file) {
                    try GrammarConstraint(grammar: Grammar(gbnf: ResponseGrammar.gbnf(for: responseFormat)), tokenizer: tokenizer)
                }
            }
            var parameters = temperature <= 0 ? SamplingParameters.greedy : SamplingParameters(temperature: Float(temperature), seed: seed)
            parameters.seed = seed
            var sampler = Sampler(parameters)
            var decoder = UTF8StreamDecoder()
            let cancelled = SignalFlag()
            let watcher = SignalWatcher(signals: [SIGINT, SIGTERM]) { cancelled.set() }
            defer { watcher.stop() }
            let session = model.makeSession()
            let start = DispatchTime.now().uptimeNanoseconds
            var firstToken: UInt64?
            var generated = ""
            let result = try GGUFCommand.open(file) {
                try session.generate(
                    prompt: ids, maxTokens: min(tokens, model.contextLength - ids.count), sampler: &sampler,
                    stopTokens: tokenizer.endOfGenerationIDs, grammar: constraint, isCancelled: cancelled.isSet
                ) { token in
                    if firstToken == nil { firstToken = DispatchTime.now().uptimeNanoseconds }
                    let piece = decoder.append(tokenizer.pieceBytes(token))
                    generated += piece
                    Console.out(piece)
                }
            }
            let tail = decoder.finish()
            generated += tail
            Console.out(tail)
            if case .jsonSchema(_, let schema)? = responseFormat,
                case .invalid(let problem) = ReplyFormatCheck.check(generated, schema: schema, cutAtTokenLimit: result.stop == .maxTokens)
            {
                Console.status(problem)
            }
            if Console.stdoutIsTerminal { Console.out("\n") }
            if timing, let firstToken, result.tokens.count > 1 {
                let end = DispatchTime.now().uptimeNanoseconds
                let prompt = Double(firstToken - start) / 1e9
                let generation = Double(end - firstToken) / 1e9
                Console.status(String(
                    format: "prompt %d tokens in %.3f s (%.1f t/s); generated %d tokens in %.3f s (%.1f t/s)", ids.count, prompt,
                    Double(ids.count) / prompt, result.tokens.count, generation, Double(result.tokens.count - 1) / generation))
            }
        }
    }
}

/// What `gguf info` reports.
struct GGUFInfo: Encodable {
    var file: String
    var version: UInt32
    var architecture: String?
    var name: String?
    var fileSize: Int
    var tensorCount: Int
    var parameterCount: Int
    var tensorTypes: [String: Int]
    var contextLength: Int?
    var embeddingLength: Int?
    var blockCount: Int?
    var headCount: Int?
    var headCountKv: Int?
    var vocabularySize: Int?
    var tokenizer: String?
    var preTokenizer: String?
    var chatTemplate: String
    var chatTemplateIsFallback: Bool

    init(file: GGUFFile) throws {
        self.file = file.path ?? ""
        version = file.version
        let arch = file.architecture
        architecture = arch
        name = file.metadata.string("general.name")
        fileSize = file.fileSize
        tensorCount = file.tensors.count
        parameterCount = file.tensors.reduce(0) { $0 + $1.elementCount }
        tensorTypes = Dictionary(file.tensors.map { ($0.type.name, 1) }, uniquingKeysWith: +)
        let prefix = arch ?? "llama"
        contextLength = file.metadata.int("\(prefix).context_length")
        embeddingLength = file.metadata.int("\(prefix).embedding_length")
        blockCount = file.metadata.int("\(prefix).block_count")
        headCount = file.metadata.int("\(prefix).attention.head_count")
        headCountKv = file.metadata.int("\(prefix).attention.head_count_kv")
        vocabularySize = file.metadata.array("tokenizer.ggml.tokens")?.count
        tokenizer = file.metadata.string("tokenizer.ggml.model")
        preTokenizer = file.metadata.string("tokenizer.ggml.pre")
        let template = ChatTemplate.detect(in: file)
        chatTemplate = template.kind.rawValue
        chatTemplateIsFallback = template.isFallback
    }

    var text: String {
        func line(_ label: String, _ value: CustomStringConvertible?) -> String {
            value.map { "\(label.padding(toLength: 16, withPad: " ", startingAt: 0)) \($0)\n" } ?? ""
        }
        var out = line("file", file) + line("gguf version", version) + line("architecture", architecture) + line("name", name)
        out += line("file size", "\(fileSize) bytes") + line("parameters", parameterCount) + line("tensors", tensorCount)
        out += line("tensor types", tensorTypes.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
        out += line("context length", contextLength) + line("embedding", embeddingLength) + line("layers", blockCount)
        out += line("heads", headCount.map { "\($0) (kv \(headCountKv ?? $0))" }) + line("vocabulary", vocabularySize)
        out += line("tokenizer", tokenizer.map { $0 + (preTokenizer.map { " (pre \($0))" } ?? "") })
        out += line("chat template", chatTemplate + (chatTemplateIsFallback ? " (not recognised; ChatML used)" : ""))
        return TerminalSanitizer.sanitize(out)
    }
}
