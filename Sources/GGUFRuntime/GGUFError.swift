/// Everything that can go wrong opening a GGUF file or running a model from it.
/// Each description is one line saying what went wrong and, where it helps, what to do.
public enum GGUFError: Error, CustomStringConvertible, Equatable, Sendable {
    case cannotOpen(path: String, reason: String)
    case notGGUF(path: String)
    case unsupportedVersion(UInt32)
    case truncated(what: String, offset: Int)
    case invalid(String)
    case unknownValueType(UInt32, key: String)
    case unknownTensorType(UInt32, tensor: String)
    case unsupportedTensorType(String, tensor: String)
    case unsupportedArchitecture(String)
    /// A feature of a supported architecture the runtime does not implement (YaRN scaling...).
    case unsupportedFeature(String)
    case missingMetadata(String)
    case missingTensor(String)
    case tensorShape(tensor: String, expected: [Int], actual: [Int])
    case tokenOutOfRange(Int32, vocabularySize: Int)
    case contextFull(needed: Int, contextLength: Int)
    /// A context length asked for that the runtime cannot give (the file is fine).
    case contextLengthOutOfRange(requested: Int, maximum: Int)
    /// A context whose KV cache would not fit in this machine's memory.
    case contextTooLargeForMemory(requested: Int, cacheBytes: Int, memoryBytes: Int)
    case cancelled

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "cannot open GGUF file \(path): \(reason)"
        case let .notGGUF(path):
            return "\(path) is not a GGUF file (bad magic number); check the path points at a .gguf model"
        case let .unsupportedVersion(version):
            return "GGUF version \(version) is not supported (only versions 2 and 3); re-download or re-convert the model"
        case let .truncated(what, offset):
            return "GGUF file is truncated or corrupt: \(what) runs past the end of the file (at byte \(offset)); re-download it"
        case let .invalid(message):
            return "GGUF file is corrupt: \(message); re-download it"
        case let .unknownValueType(type, key):
            return "GGUF metadata key \(key) has unknown value type \(type); the file is corrupt or from a newer format"
        case let .unknownTensorType(type, tensor):
            return "tensor \(tensor) has unknown tensor type \(type); the file is corrupt or needs a newer runtime (supported: \(GGUFTensorType.computableNames))"
        case let .unsupportedTensorType(type, tensor):
            return "tensor \(tensor) has type \(type), which this runtime cannot compute with; supported: \(GGUFTensorType.computableNames)"
        case let .unsupportedArchitecture(arch):
            return "model architecture \(arch) is not supported (supported: \(ModelArchitecture.supportedNames)); choose a model of one of those"
        case let .unsupportedFeature(what):
            return "the model uses \(what), which this runtime does not support"
        case let .missingMetadata(key):
            return "GGUF metadata lacks \(key), which the model needs; the file is incomplete"
        case let .missingTensor(name):
            return "GGUF file lacks tensor \(name), which the model needs; the file is incomplete"
        case let .tensorShape(tensor, expected, actual):
            return "tensor \(tensor) has shape \(actual), expected \(expected); the file does not match its metadata"
        case let .tokenOutOfRange(token, size):
            return "token id \(token) is outside the vocabulary of \(size) tokens"
        case let .contextFull(needed, contextLength):
            return "the context is full: \(needed) tokens needed, \(contextLength) available; start a new session or use a longer context"
        case let .contextLengthOutOfRange(requested, maximum):
            return "a context of \(requested) tokens is out of range: the runtime supports 1 to \(maximum) tokens; ask for a smaller context"
        case let .contextTooLargeForMemory(requested, cacheBytes, memoryBytes):
            let gib = { (bytes: Int) in "\((Double(bytes) / Double(1 << 30) * 10).rounded() / 10) GiB" }
            return "a context of \(requested) tokens needs \(gib(cacheBytes)) for its cache, more than this machine's \(gib(memoryBytes)) of memory; ask for a smaller context"
        case .cancelled:
            return "generation was cancelled"
        }
    }
}
