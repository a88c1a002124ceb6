/// A LoRA adapter read from a GGUF file as llama.cpp's convert_lora_to_gguf.py writes it:
/// `general.type = adapter`, `adapter.type = lora`, `adapter.lora.alpha`, and for an adapted weight
/// W (n_in columns, n_out rows) the pair `W.lora_a` (n_in x rank) and `W.lora_b` (rank x n_out)
/// in F32, F16 or Q8_0. The file is mapped, never copied or changed; whether it fits a model is
/// checked when the model is loaded with it (`LlamaModel(file:adapters:)`).
public final class LoRAAdapter: @unchecked Sendable {
    /// One adapted weight: out += scale * B(Ax).
    struct Pair: @unchecked Sendable {
        let a: WeightMatrix
        let b: WeightMatrix
    }

    public let path: String
    public let file: GGUFFile
    public let architecture: String?
    /// adapter.lora.alpha; 0 (or absent) means the scale is used as it is.
    public let alpha: Float
    /// Pairs by the name of the weight they adapt (`blk.0.attn_q.weight`).
    let pairs: [String: Pair]

    /// The largest rank accepted: far above real adapters, and never more than a weight's sides.
    public static let maximumRank = 1 << 16

    public convenience init(path: String) throws {
        try self.init(file: GGUFFile(path: path), path: path)
    }

    public init(file: GGUFFile, path: String) throws {
        self.file = file
        self.path = path
        let type = file.metadata.string("general.type")
        guard type == "adapter" else { throw LoRAError.notAnAdapter(path: path, type: type) }
        let adapterType = file.metadata.string("adapter.type")
        guard adapterType == "lora" else { throw LoRAError.notLoRA(path: path, type: adapterType) }
        architecture = file.metadata.string("general.architecture")
        let alpha = file.metadata.float("adapter.lora.alpha") ?? 0
        guard alpha.isFinite else { throw LoRAError.shapeMismatch(path: path, tensor: "adapter.lora.alpha", reason: "is not finite") }
        self.alpha = alpha

        var halves: [String: (a: GGUFTensorInfo?, b: GGUFTensorInfo?)] = [:]
        for info in file.tensors {
            if info.name.hasSuffix(".lora_a") {
                halves[String(info.name.dropLast(7)), default: (nil, nil)].a = info
            } else if info.name.hasSuffix(".lora_b") {
                halves[String(info.name.dropLast(7)), default: (nil, nil)].b = info
            } else {
                throw LoRAError.unexpectedTensor(path: path, tensor: info.name)
            }
        }
        var pairs: [String: Pair] = [:]
        for (name, half) in halves {
            guard let a = half.a, let b = half.b else {
                throw LoRAError.unpaired(path: path, tensor: (half.a ?? half.b)!.name)
            }
            func matrix(_ info: GGUFTensorInfo) throws -> WeightMatrix {
                guard [GGUFTensorType.f32, .f16, .q8_0].contains(info.type) else {
                    throw LoRAError.unsupportedType(path: path, tensor: info.name, type: info.type.name)
                }
                guard info.dimensions.count == 2, info.dimensions.allSatisfy({ $0 > 0 }),
                      let base = file.data(of: info).baseAddress
                else {
                    throw LoRAError.shapeMismatch(path: path, tensor: info.name, reason: "has shape \(info.dimensions), not a matrix")
                }
                return WeightMatrix(name: info.name, type: info.type, data: base, rowBytes: info.rowByteCount,
                                    rows: info.dimensions[1], columns: info.dimensions[0])
            }
            let (ma, mb) = (try matrix(a), try matrix(b))
            // A maps the input to rank values, B the rank values to the output.
            guard ma.rows == mb.columns, ma.rows <= Self.maximumRank else {
                throw LoRAError.shapeMismatch(path: path, tensor: name, reason: "has lora_a of rank \(ma.rows) and lora_b of rank \(mb.columns)")
            }
            pairs[name] = Pair(a: ma, b: mb)
        }
        self.pairs = pairs
    }

    /// The factor llama.cpp multiplies this adapter's products by for a user scale: alpha/rank
    /// times it when the adapter names an alpha, else the scale itself.
    func factor(scale: Float, rank: Int) -> Float {
        alpha != 0 ? scale * alpha / Float(rank) : scale
    }
}
