/// Why a LoRA adapter cannot be used: not an adapter, or not one for this model. One line each,
/// naming the file; all are found when the model is loaded, before anything is generated.
public enum LoRAError: Error, CustomStringConvertible, Equatable, Sendable {
    case notAnAdapter(path: String, type: String?)
    case notLoRA(path: String, type: String?)
    case architectureMismatch(path: String, adapter: String, model: String)
    case unpaired(path: String, tensor: String)
    case unexpectedTensor(path: String, tensor: String)
    case unsupportedType(path: String, tensor: String, type: String)
    case unknownTarget(path: String, tensor: String)
    case shapeMismatch(path: String, tensor: String, reason: String)
    case invalidScale(String)

    public var description: String {
        switch self {
        case let .notAnAdapter(path, type):
            return "\(path) is not an adapter (general.type is \(type.map { "\"\($0)\"" } ?? "missing"), expected \"adapter\")"
        case let .notLoRA(path, type):
            return "\(path) is not a LoRA adapter (adapter.type is \(type.map { "\"\($0)\"" } ?? "missing"), expected \"lora\")"
        case let .architectureMismatch(path, adapter, model):
            return "LoRA adapter \(path) is for \(adapter) models, the model is \(model)"
        case let .unpaired(path, tensor):
            return "LoRA adapter \(path) has \(tensor) without its other half (lora_a and lora_b come in pairs)"
        case let .unexpectedTensor(path, tensor):
            return "LoRA adapter \(path) has tensor \(tensor), which is neither a lora_a nor a lora_b"
        case let .unsupportedType(path, tensor, type):
            return "LoRA adapter \(path): tensor \(tensor) is \(type); supported: F32, F16, Q8_0"
        case let .unknownTarget(path, tensor):
            return "LoRA adapter \(path) adapts \(tensor), which the model has no attention or feed-forward weight of that name for; it is for another model"
        case let .shapeMismatch(path, tensor, reason):
            return "LoRA adapter \(path) does not fit the model: \(tensor) \(reason); it is for another model"
        case let .invalidScale(text):
            return "LoRA scale \(text) is not a finite number"
        }
    }
}
