import CGGUFKernels

/// One adapter's pair for one weight, with the factor its products are scaled by.
struct LoRALink: @unchecked Sendable {
    let a: WeightMatrix
    let b: WeightMatrix
    let factor: Float
}

extension LlamaModel {
    /// Loads `specs` and matches them against the weights this model computes with (by name and
    /// shape), as llama.cpp does when it loads an adapter; anything that does not fit throws.
    /// Adapters at scale 0 are checked but not applied.
    static func links(for specs: [LoRASpec], architecture: String, weights: [String: (columns: Int, rows: Int)])
        throws -> (adapters: [LoRAAdapter], links: [String: [LoRALink]])
    {
        var adapters: [LoRAAdapter] = []
        var links: [String: [LoRALink]] = [:]
        for spec in specs {
            guard spec.scale.isFinite else { throw LoRAError.invalidScale("\(spec.scale)") }
            let adapter = try LoRAAdapter(path: spec.path)
            if let arch = adapter.architecture, arch != architecture {
                throw LoRAError.architectureMismatch(path: spec.path, adapter: arch, model: architecture)
            }
            for name in adapter.pairs.keys.sorted() {
                let pair = adapter.pairs[name]!
                guard let shape = weights[name] else { throw LoRAError.unknownTarget(path: spec.path, tensor: name) }
                guard pair.a.columns == shape.columns, pair.b.rows == shape.rows else {
                    throw LoRAError.shapeMismatch(
                        path: spec.path, tensor: name,
                        reason: "maps \(pair.a.columns) inputs to \(pair.b.rows) outputs; the weight maps \(shape.columns) to \(shape.rows)")
                }
                guard spec.scale != 0 else { continue }
                links[name, default: []].append(LoRALink(a: pair.a, b: pair.b, factor: adapter.factor(scale: spec.scale, rank: pair.a.rows)))
            }
            adapters.append(adapter)
        }
        return (adapters, links)
    }

    /// out += factor * B(A x) for each adapter of `w`, after its product, as llama.cpp's
    /// build_lora_mm: A's product, B's product, the scale, then the sum.
    func applyLoRA(_ w: WeightMatrix, _ x: UnsafePointer<Float>, tokens: Int, into out: UnsafeMutablePointer<Float>, outStride: Int) {
        // Without adapters (the usual case) not even a lookup.
        guard !loraLinks.isEmpty, let links = loraLinks[w.name] else { return }
        for link in links {
            let rank = link.a.rows
            // Fused projections are read as row ranges: so is the part of B that produces them.
            let b = link.b.rows(w.firstRow..<(w.firstRow + w.rows))
            let inner = UnsafeMutablePointer<Float>.allocate(capacity: rank * tokens)
            let delta = UnsafeMutablePointer<Float>.allocate(capacity: b.rows * tokens)
            let scratchBytes = max(cgguf_matmul_scratch_size(Int32(link.a.type.rawValue), Int64(link.a.columns), Int64(tokens)),
                                   cgguf_matmul_scratch_size(Int32(b.type.rawValue), Int64(rank), Int64(tokens)))
            let scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchBytes, alignment: 64)
            defer {
                inner.deallocate()
                delta.deallocate()
                scratch.deallocate()
            }
            _ = cgguf_matmul(pool, Int32(link.a.type.rawValue), link.a.data, link.a.rowBytes, Int64(rank), Int64(link.a.columns),
                             x, Int64(tokens), inner, Int64(rank), scratch)
            _ = cgguf_matmul(pool, Int32(b.type.rawValue), b.data, b.rowBytes, Int64(b.rows), Int64(rank),
                             inner, Int64(tokens), delta, Int64(b.rows), scratch)
            for t in 0..<tokens {
                let row = out + t * outStride, d = delta + t * b.rows
                for i in 0..<b.rows { row[i] = row[i] + d[i] * link.factor }
            }
        }
    }
}
