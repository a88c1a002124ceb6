import ParleyTestThreads
import Testing
@testable import GGUFRuntime

/// Loading a tiny synthetic llama model: what is missing or unsupported is named.
@Suite(.heavy) struct LlamaModelLoadTests {
    /// A one-layer llama with F32 weights: 64-wide embedding, 2 heads of 32, 1 KV head.
    static func tinyModel(architecture: String = "llama", ffnType: UInt32 = 0) -> GGUFTestWriter {
        var w = GGUFTestWriter()
        let n = 64, ff = 128, vocab = 16, kv = 32
        w.add("general.architecture", .string(architecture))
        w.add("\(architecture).block_count", .uint32(1))
        w.add("\(architecture).embedding_length", .uint32(UInt32(n)))
        w.add("\(architecture).feed_forward_length", .uint32(UInt32(ff)))
        w.add("\(architecture).attention.head_count", .uint32(2))
        w.add("\(architecture).attention.head_count_kv", .uint32(1))
        w.add("\(architecture).context_length", .uint32(128))
        w.add("tokenizer.ggml.eos_token_id", .uint32(2))
        var rng = TestRandom(seed: 11)
        func values(_ count: Int) -> [Float] { (0..<count).map { _ in rng.float(in: -0.5...0.5) } }
        w.addF32Tensor("token_embd.weight", dimensions: [n, vocab], values: values(n * vocab))
        w.addF32Tensor("output_norm.weight", dimensions: [n], values: [Float](repeating: 1, count: n))
        w.addF32Tensor("blk.0.attn_norm.weight", dimensions: [n], values: [Float](repeating: 1, count: n))
        w.addF32Tensor("blk.0.ffn_norm.weight", dimensions: [n], values: [Float](repeating: 1, count: n))
        w.addF32Tensor("blk.0.attn_q.weight", dimensions: [n, n], values: values(n * n))
        w.addF32Tensor("blk.0.attn_k.weight", dimensions: [n, kv], values: values(n * kv))
        w.addF32Tensor("blk.0.attn_v.weight", dimensions: [n, kv], values: values(n * kv))
        w.addF32Tensor("blk.0.attn_output.weight", dimensions: [n, n], values: values(n * n))
        if ffnType == 0 {
            w.addF32Tensor("blk.0.ffn_gate.weight", dimensions: [n, ff], values: values(n * ff))
        } else {
            w.addTensor("blk.0.ffn_gate.weight", dimensions: [n, ff], type: ffnType,
                        data: [UInt8](repeating: 0, count: n * ff / 32 * (GGUFTensorType(rawValue: ffnType)?.typeSize ?? 0)))
        }
        w.addF32Tensor("blk.0.ffn_up.weight", dimensions: [n, ff], values: values(n * ff))
        w.addF32Tensor("blk.0.ffn_down.weight", dimensions: [ff, n], values: values(ff * n))
        return w
    }

    @Test func tinyModelRunsDeterministically() throws {
        var w = Self.tinyModel()
        let model = try LlamaModel(file: GGUFFile(bytes: w.bytes()), threads: 2)
        #expect(model.contextLength == 128)
        #expect(model.vocabularySize == 16)
        #expect(model.stopTokens == [2])
        #expect(model.hyperparameters.headDimension == 32)
        let a = try model.makeSession().evaluate(tokens: [3, 4, 5])
        let b = try model.makeSession().evaluate(tokens: [3, 4, 5])
        #expect(a.count == 16)
        #expect(a == b)
        let finite = a.filter { $0.isFinite }.count
        #expect(finite == a.count)
        let c = try model.makeSession().evaluate(tokens: [3, 4, 6])
        #expect(a != c)
    }

    @Test func ropeFrequencyFactorsDivideTheAngles() throws {
        var plain = Self.tinyModel()
        let reference = try LlamaModel(file: GGUFFile(bytes: plain.bytes()), threads: 1).makeSession().evaluate(tokens: [3, 4, 5])
        var ones = Self.tinyModel()
        ones.addF32Tensor("rope_freqs.weight", dimensions: [16], values: [Float](repeating: 1, count: 16))
        let same = try LlamaModel(file: GGUFFile(bytes: ones.bytes()), threads: 1).makeSession().evaluate(tokens: [3, 4, 5])
        #expect(same == reference)
        var scaled = Self.tinyModel()
        scaled.addF32Tensor("rope_freqs.weight", dimensions: [16], values: [Float](repeating: 8, count: 16))
        let other = try LlamaModel(file: GGUFFile(bytes: scaled.bytes()), threads: 1).makeSession().evaluate(tokens: [3, 4, 5])
        #expect(other != reference)
    }

    @Test func unsupportedArchitectureIsNamed() throws {
        var w = Self.tinyModel(architecture: "gpt2")
        #expect(throws: GGUFError.unsupportedArchitecture("gpt2")) {
            try LlamaModel(file: GGUFFile(bytes: w.bytes()))
        }
        #expect(GGUFError.unsupportedArchitecture("gpt2").description.contains("gpt2"))
        #expect(GGUFError.unsupportedArchitecture("gpt2").description.contains("llama, qwen2, qwen3, gemma2, gemma3, phi3"))
    }

    /// What an architecture needs and does not have, or has and is not computed, is refused by name.
    @Test func missingOrUnusedArchitectureTensorsAreNamed() throws {
        var qwen3 = Self.tinyModel(architecture: "qwen3")
        #expect(throws: GGUFError.missingTensor("blk.0.attn_q_norm.weight")) {
            try LlamaModel(file: GGUFFile(bytes: qwen3.bytes()))
        }
        var extra = Self.tinyModel()
        extra.addF32Tensor("blk.0.attn_output.bias", dimensions: [64], values: [Float](repeating: 0, count: 64))
        #expect(throws: GGUFError.unsupportedFeature(
            "tensor blk.0.attn_output.bias (not part of the llama layers this runtime computes; a block of this file is read as "
                + "attn_k.weight, attn_norm.weight, attn_output.weight, attn_q.weight, attn_v.weight, ffn_down.weight, ffn_gate.weight, "
                + "ffn_norm.weight, ffn_up.weight)")) {
            try LlamaModel(file: GGUFFile(bytes: extra.bytes()))
        }
        var yarn = Self.tinyModel()
        yarn.add("llama.rope.scaling.type", .string("yarn"))
        #expect(throws: GGUFError.self) { try LlamaModel(file: GGUFFile(bytes: yarn.bytes())) }
        #expect(GGUFError.unsupportedFeature("RoPE scaling yarn").description.contains("yarn"))
    }

    /// Qwen 2's biases are added: a zero bias changes nothing, another does.
    @Test func projectionBiasesAreAdded() throws {
        func logits(bias: Float?) throws -> [Float] {
            var w = Self.tinyModel(architecture: "qwen2")
            if let bias {
                for (name, count) in [("attn_q", 64), ("attn_k", 32), ("attn_v", 32)] {
                    w.addF32Tensor("blk.0.\(name).bias", dimensions: [count], values: [Float](repeating: bias, count: count))
                }
            }
            return try LlamaModel(file: GGUFFile(bytes: w.bytes()), threads: 1).makeSession().evaluate(tokens: [3, 4, 5])
        }
        #expect(try logits(bias: 0) == logits(bias: nil))
        #expect(try logits(bias: 0.25) != logits(bias: nil))
    }

    /// Gemma 2's final cap bounds every logit.
    @Test func finalLogitSoftCapBoundsLogits() throws {
        var w = Self.tinyModel(architecture: "gemma2")
        w.add("gemma2.final_logit_softcapping", .float32(0.5))
        for name in ["post_attention_norm", "post_ffw_norm"] {
            w.addF32Tensor("blk.0.\(name).weight", dimensions: [64], values: [Float](repeating: 1, count: 64))
        }
        let model = try LlamaModel(file: GGUFFile(bytes: w.bytes()), threads: 1)
        #expect(model.hyperparameters.slidingWindowLayers == [true])
        #expect(model.hyperparameters.slidingWindow == 4096)
        let logits = try model.makeSession().evaluate(tokens: [3, 4, 5])
        #expect(logits.allSatisfy { abs($0) <= 0.5 })
        #expect(Set(logits).count > 1)
    }

    /// A Mistral-style `llama.attention.sliding_window` is not applied, as llama.cpp does not apply it
    /// to llama models; the same window on a windowed architecture changes the logits, so it would
    /// show if it were.
    @Test func llamaSlidingWindowIsIgnoredAsInLlamaCpp() throws {
        let tokens: [Int32] = [3, 4, 5, 6, 7, 8, 9]
        func logits(_ architecture: String, window: UInt32?) throws -> [Float] {
            var w = Self.tinyModel(architecture: architecture)
            if let window { w.add("\(architecture).attention.sliding_window", .uint32(window)) }
            if architecture == "gemma2" {
                for name in ["post_attention_norm", "post_ffw_norm"] {
                    w.addF32Tensor("blk.0.\(name).weight", dimensions: [64], values: [Float](repeating: 1, count: 64))
                }
            }
            let model = try LlamaModel(file: GGUFFile(bytes: w.bytes()), threads: 1)
            #expect(model.hyperparameters.slidingWindow == (architecture == "llama" ? 0 : Int(window ?? 4096)))
            return try model.makeSession().evaluate(tokens: tokens)
        }
        #expect(try logits("llama", window: 2) == logits("llama", window: nil))
        #expect(try logits("gemma2", window: 2) != logits("gemma2", window: 64))
    }

    @Test func unsupportedTensorTypeIsNamed() throws {
        var w = Self.tinyModel(ffnType: 20) // IQ4_NL: known layout (blocks of 32), no kernel
        #expect(throws: GGUFError.unsupportedTensorType("IQ4_NL", tensor: "blk.0.ffn_gate.weight")) {
            try LlamaModel(file: GGUFFile(bytes: w.bytes()))
        }
        let supported = "supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K"
        #expect(GGUFError.unsupportedTensorType("IQ4_NL", tensor: "x").description.hasSuffix(supported))
        #expect(GGUFError.unknownTensorType(99, tensor: "x").description.contains("(\(supported))"))
    }

    @Test func missingTensorIsNamed() throws {
        var w = Self.tinyModel()
        w.tensors.removeAll { $0.name == "blk.0.ffn_up.weight" }
        #expect(throws: GGUFError.missingTensor("blk.0.ffn_up.weight")) {
            try LlamaModel(file: GGUFFile(bytes: w.bytes()))
        }
    }
}
