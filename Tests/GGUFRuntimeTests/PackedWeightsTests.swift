import CGGUFKernels
import Foundation
import Testing
@testable import GGUFRuntime

/// A model's packed copies: which matrices get one, how a fused projection's parts keep it, and
/// that the file's pages they replace are given back rather than held twice.
@Suite(.heavy, .serialized) struct PackedWeightsTests {
    @Test func theDefaultModelsMatricesArePackedItsEmbeddingWithTheOutput() throws {
        guard let model = try GreedyFixtureTests.model() else { return }
        for layer in model.layers {
            for matrix in [layer.query, layer.key, layer.value, layer.attentionOutput, layer.gate, layer.up, layer.down] {
                #expect(matrix.type == .q4_1)
                #expect(matrix.packed?.type == Int32(CGGUF_TYPE_Q4_1_X8), "\(matrix.name)")
                #expect(matrix.kernelData != matrix.data)
            }
        }
        // The Q8_0 embedding doubles as the output: both read the one packed copy, and a token's
        // embedding is the file's row, dequantised.
        let embedding = try #require(model.file.tensor(named: "token_embd.weight"))
        #expect(model.file.tensor(named: "output.weight") == nil)
        #expect(model.output.data == model.embedding.data)
        #expect(model.output.packed?.type == Int32(CGGUF_TYPE_Q8_0_X8))
        #expect(model.embedding.packed?.data == model.output.packed?.data)
        let rowBytes = embedding.rowByteCount
        for token: Int32 in [0, 1, 7, 8, 4097, Int32(model.vocabularySize - 1)] {
            var looked = [Float](repeating: .nan, count: model.hyperparameters.embeddingLength)
            try looked.withUnsafeMutableBufferPointer { try model.embed(token, into: $0.baseAddress!) }
            var expected = [Float](repeating: 0, count: looked.count)
            let status = cgguf_dequantize_row(Int32(GGUFTensorType.q8_0.rawValue), model.file.data(of: embedding).baseAddress! + Int(token) * rowBytes,
                                              &expected, Int64(expected.count))
            #expect(status == 0 && looked.map(\.bitPattern) == expected.map(\.bitPattern), "token \(token)")
        }
        let q4_1Bytes = model.file.tensors.filter { $0.type == .q4_1 }.map(\.byteCount).reduce(0, +)
        #expect(model.packedWeights.byteCount == q4_1Bytes + embedding.byteCount)
    }

    @Test func aPartOfAPackedMatrixStaysPackedOnlyOnWholeGroups() throws {
        guard let model = try GreedyFixtureTests.model() else { return }
        let gate = model.layers[0].gate
        let packed = try #require(gate.packed)
        let part = gate.rows(16..<48)
        #expect(part.packed?.type == packed.type)
        #expect(part.packed?.data == packed.data + 16 * gate.rowBytes)
        #expect(part.data == gate.data + 16 * gate.rowBytes && part.firstRow == 16)
        for range in [4..<36, 16..<20] {
            let unaligned = gate.rows(range)
            #expect(unaligned.packed == nil, "\(range)")
            #expect(unaligned.kernelData == gate.data + range.lowerBound * gate.rowBytes)
            #expect(unaligned.kernelType == Int32(GGUFTensorType.q4_1.rawValue))
        }
    }

    #if os(Linux)
    /// Kilobytes of the model file's mapping resident in this process (its line in smaps).
    static func residentKilobytes(of file: GGUFFile) throws -> Int {
        let base = UInt(bitPattern: file.storage.base)
        // Read to the end: /proc files give no size up front.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/smaps"))
        defer { try? handle.close() }
        let smaps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        var inMapping = false
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = fields.first, range.contains("-"), fields.count >= 5 {
                let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                if bounds.count == 2, fields[1].count == 4 { inMapping = bounds[0] <= base && base < bounds[1] }
            } else if inMapping, fields.first == "Rss:", fields.count >= 2, let kb = Int(fields[1]) {
                return kb
            }
        }
        throw GGUFError.invalid("no mapping of the model file in /proc/self/smaps")
    }

    @Test func packedMatricesGiveTheirPagesOfTheMapBack() throws {
        guard TestModel.isPresent else {
            if !TestModel.allowMissing { Issue.record(Comment(rawValue: TestModel.missingMessage)) }
            return
        }
        let file = try GGUFFile(path: TestModel.path)
        // Every page of the file read once, as loading a model from a cold start ends up doing.
        var sum: UInt8 = 0
        for offset in stride(from: 0, to: file.fileSize, by: 4096) { sum &+= file.storage.base.load(fromByteOffset: offset, as: UInt8.self) }
        #expect(try Self.residentKilobytes(of: file) * 1024 >= file.fileSize - 4096, "checksum \(sum)")
        let model = try LlamaModel(file: file, contextLength: 64, threads: 1)
        let packed = model.packedWeights.byteCount
        #expect(packed > file.fileSize / 2)
        // What stays is the norms and the header (and at most a page either side of each packed tensor).
        let resident = try Self.residentKilobytes(of: file) * 1024
        #expect(resident <= file.fileSize - packed + 2 * 4096 * file.tensors.count, "\(resident) of \(file.fileSize) resident")
        // The model still runs, reading its packed copies.
        let logits = try model.makeSession().evaluate(tokens: [1, 2, 3])
        #expect(logits.allSatisfy { $0.isFinite })
    }
    #endif
}
