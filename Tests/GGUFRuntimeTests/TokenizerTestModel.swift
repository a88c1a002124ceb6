import Foundation
import ParleyTestSupport
import Testing
@testable import GGUFRuntime

/// Test access to the default model's tokenizer, read through the runtime's own GGUF reader.
///
/// The model is found through `PARLEY_TEST_MODEL`, else `Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf`
/// under the package root. When it is missing, tests that need it fail with the command to fetch
/// it, unless `PARLEY_ALLOW_MISSING_MODEL=1`.
enum TokenizerTestModel {
    struct Loaded: Sendable {
        let configuration: TokenizerConfiguration
        let chatTemplate: String?
        let tokenizer: Tokenizer
    }

    static let packageRoot: URL = PackageFiles.root

    static var modelPath: String { PackageFiles.defaultModelPath }

    static var missingModelAllowed: Bool {
        ProcessInfo.processInfo.environment["PARLEY_ALLOW_MISSING_MODEL"] == "1"
    }

    static let fetchHint = "fetch it with scripts/fetch-model.sh (or set PARLEY_TEST_MODEL to a copy; PARLEY_ALLOW_MISSING_MODEL=1 lets these tests pass without it)"

    private static let cached: Result<Loaded, Error>? = {
        guard FileManager.default.fileExists(atPath: modelPath) else { return nil }
        return Result { try load(path: modelPath) }
    }()

    /// The default model's tokenizer, or nil when the model is absent and that is allowed.
    /// Records a test failure naming the fetch command when it is absent and not allowed.
    static func loaded(sourceLocation: SourceLocation = #_sourceLocation) throws -> Loaded? {
        guard let cached else {
            if !missingModelAllowed {
                Issue.record("default model missing at \(modelPath); \(fetchHint)", sourceLocation: sourceLocation)
            }
            return nil
        }
        return try cached.get()
    }

    static func load(path: String) throws -> Loaded {
        let file = try GGUFFile(path: path)
        let configuration = try TokenizerConfiguration(metadata: file.metadata)
        return Loaded(
            configuration: configuration, chatTemplate: file.metadata.string("tokenizer.chat_template"),
            tokenizer: try Tokenizer(configuration))
    }
}
