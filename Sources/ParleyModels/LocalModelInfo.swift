import Foundation
import GGUFRuntime

/// A model file in `<storage>/models/` as `models list` and `models show` describe it, read from
/// its GGUF header (the tensor data is mapped, never read).
public struct LocalModelInfo: Codable, Equatable, Sendable {
    /// The name to choose it by: the file name without `.gguf`.
    public var name: String
    public var catalogName: String?
    public var file: String
    public var size: Int64
    public var architecture: String?
    public var parameters: Int?
    public var quantisation: String?
    public var contextLength: Int?
    public var runnable: Bool
    public var notRunnableBecause: String?
    public var sha256: String?
    public var origin: String?

    /// Reads what the header says; a file that is not a readable GGUF is listed as not runnable,
    /// with the reason.
    public static func inspect(_ url: URL) -> LocalModelInfo {
        let record = ModelRecord.read(forModel: url)
        var info = LocalModelInfo(
            name: ModelRegistry.modelName(ofFile: url.lastPathComponent),
            catalogName: record?.catalogName ?? ModelCatalog.entries.first { $0.fileName == url.lastPathComponent }?.name,
            file: url.path, size: 0, architecture: nil, parameters: nil, quantisation: nil, contextLength: nil, runnable: false,
            notRunnableBecause: nil, sha256: record?.sha256, origin: record?.origin)
        do {
            let file = try GGUFFile(path: url.path)
            info.size = Int64(file.fileSize)
            let architecture = file.architecture
            info.architecture = architecture
            info.parameters = file.tensors.reduce(0) { $0 + $1.elementCount }
            info.quantisation = quantisation(of: file)
            info.contextLength = architecture.flatMap { file.metadata.int("\($0).context_length") }
            info.notRunnableBecause = whyNotRunnable(file)
            info.runnable = info.notRunnableBecause == nil
        } catch {
            info.size = OwnFiles.regularFileSize(url) ?? 0
            info.notRunnableBecause = "its header cannot be read: \(error)"
        }
        return info
    }

    /// Nil when Parley's runtime can load the file; otherwise what stops it.
    static func whyNotRunnable(_ file: GGUFFile) -> String? {
        guard let architecture = file.architecture else { return "it names no architecture (general.architecture)" }
        guard LlamaHyperparameters.supportedArchitectures.contains(architecture) else {
            let supported = LlamaHyperparameters.supportedArchitectures.sorted().joined(separator: ", ")
            return "architecture \(architecture) is not supported by Parley's runtime yet (it runs \(supported))"
        }
        if let tensor = file.tensors.first(where: { !$0.type.isComputable }) {
            return "tensor type \(tensor.type.name) (\(tensor.name)) is not supported by Parley's runtime (it computes \(GGUFTensorType.computableNames))"
        }
        do {
            let vocabulary = file.metadata.array("tokenizer.ggml.tokens")?.count ?? 0
            _ = try LlamaHyperparameters(metadata: file.metadata, vocabularySize: vocabulary)
        } catch {
            return "\(error)"
        }
        return nil
    }

    /// The quantisation named by `general.file_type` (llama.cpp's numbering), else the type most
    /// of the weights have.
    static func quantisation(of file: GGUFFile) -> String? {
        if let type = file.metadata.int("general.file_type"), let name = fileTypeNames[type] { return name }
        var bytesByType: [String: Int] = [:]
        for tensor in file.tensors where tensor.dimensions.count >= 2 { bytesByType[tensor.type.name, default: 0] += tensor.byteCount }
        return bytesByType.max { $0.value < $1.value }?.key
    }

    /// `general.file_type` values as llama.cpp names them.
    static let fileTypeNames: [Int: String] = [
        0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S", 12: "Q3_K_M",
        13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS",
        21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
        29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0",
    ]
}
