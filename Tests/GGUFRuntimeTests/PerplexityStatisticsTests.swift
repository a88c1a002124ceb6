import Foundation
import Testing
@testable import GGUFRuntime

/// The pieces of `parley gguf perplexity` that need no model: llama-perplexity's stored
/// log-probability rows, its logits file (written, read back, refused when hostile) and the
/// statistics it prints.
@Suite struct PerplexityStatisticsTests {
    static func logits(_ count: Int, seed: UInt64, spread: Float = 8) -> [Float] {
        var rng = TestRandom(seed: seed)
        return (0..<count).map { _ in rng.float(in: -spread...spread) }
    }

    /// Exact log-softmax in double, for comparison.
    static func logSoftmax(_ logits: [Float]) -> [Double] {
        let m = Double(logits.max()!)
        let lse = log(logits.reduce(0.0) { $0 + exp(Double($1) - m) }) + m
        return logits.map { Double($0) - lse }
    }

    @Test func storedRowsKeepLogProbabilitiesWithinHalfAStep() {
        let logits = Self.logits(1001, seed: 1, spread: 12)
        let exact = Self.logSoftmax(logits)
        var row = [UInt16](repeating: 0xFFFF, count: LogProbabilityRow.wordCount(vocabularySize: logits.count))
        #expect(row.count == 1006)  // odd vocabularies are padded to even, plus the two floats
        let nll = logits.withUnsafeBufferPointer { l in
            row.withUnsafeMutableBufferPointer { LogProbabilityRow.encode(l, target: 17, into: $0) }
        }
        #expect(abs(nll + exact[17]) < 1e-5)
        row.withUnsafeBufferPointer { stored in
            let (scale, minimum) = LogProbabilityRow.header(stored)
            #expect(scale > 0 && scale < 16.0 / 65535 + 1e-9)
            let top = exact.max()!
            for i in 0..<logits.count {
                let kept = Double(LogProbabilityRow.logProbability(stored, index: i))
                if exact[i] > top - 16 {
                    #expect(abs(kept - exact[i]) <= Double(scale) * 0.5 + 1e-5, "entry \(i)")
                } else {
                    #expect(kept == Double(minimum), "entry \(i) is more than 16 below the top")
                }
            }
            #expect(stored[1005] == 0)
        }
    }

    @Test func aFlatRowStoresOnlyItsMinimum() {
        let logits = [Float](repeating: 3, count: 8)
        var row = [UInt16](repeating: 7, count: LogProbabilityRow.wordCount(vocabularySize: 8))
        _ = logits.withUnsafeBufferPointer { l in row.withUnsafeMutableBufferPointer { LogProbabilityRow.encode(l, target: 0, into: $0) } }
        row.withUnsafeBufferPointer { stored in
            #expect(LogProbabilityRow.header(stored).scale == 0)
            #expect(abs(LogProbabilityRow.logProbability(stored, index: 5) + log(8)) < 1e-6)
        }
    }

    @Test func theSameLogitsDivergeByNoMoreThanTheStorageStep() {
        var stats = KLDivergenceAccumulator()
        for position in 0..<120 {
            let logits = Self.logits(512, seed: UInt64(position) + 10)
            var row = [UInt16](repeating: 0, count: LogProbabilityRow.wordCount(vocabularySize: 512))
            logits.withUnsafeBufferPointer { l in
                _ = row.withUnsafeMutableBufferPointer { LogProbabilityRow.encode(l, target: position % 512, into: $0) }
                row.withUnsafeBufferPointer { stats.add(logits: l, base: $0, target: position % 512) }
            }
        }
        #expect(stats.count == 120)
        #expect(abs(stats.meanKLD.value) < 1e-5)
        #expect(stats.sameTop == 120)
        #expect(abs(stats.logPerplexityRatio.value) < 1e-4)
        #expect(KLDivergenceReport.summary(stats)?.contains("Same top p: 100.000 ± 0.000 %") == true)
    }

    /// A model whose logits differ from the base's: the mean KLD is the exact one (within the
    /// storage step), and top-1 agreement counts the positions whose argmax moved.
    @Test func divergenceAndTopAgreementMatchAnExactComputation() {
        var stats = KLDivergenceAccumulator()
        var exactSum = 0.0, moved = 0
        for position in 0..<150 {
            let base = Self.logits(300, seed: UInt64(position) * 7 + 3)
            var noise = TestRandom(seed: UInt64(position) + 999)
            let model = base.map { $0 + noise.float(in: -0.6...0.6) }
            var row = [UInt16](repeating: 0, count: LogProbabilityRow.wordCount(vocabularySize: 300))
            base.withUnsafeBufferPointer { l in _ = row.withUnsafeMutableBufferPointer { LogProbabilityRow.encode(l, target: 5, into: $0) } }
            model.withUnsafeBufferPointer { l in row.withUnsafeBufferPointer { stats.add(logits: l, base: $0, target: 5) } }
            let p = Self.logSoftmax(base), q = Self.logSoftmax(model)
            exactSum += zip(p, q).reduce(0.0) { $0 + exp($1.0) * ($1.0 - $1.1) }
            if base.firstIndex(of: base.max()!) != model.firstIndex(of: model.max()!) { moved += 1 }
        }
        #expect(moved > 0 && moved < 150)
        #expect(abs(stats.meanKLD.value - exactSum / 150) < 2e-4)
        #expect(stats.meanKLD.value > 1e-3)
        #expect(stats.sameTop == 150 - moved)
    }

    @Test func perplexityIsTheExponentOfTheMeanNegativeLogLikelihood() {
        var p = PerplexityAccumulator()
        for nll in [1.0, 2.0, 3.0, 2.0] { p.add(negativeLogLikelihood: nll) }
        #expect(abs(p.perplexity - exp(2.0)) < 1e-12)
        let estimate = try! #require(p.estimate)
        // variance of {1,2,3,2} = 0.5; standard error sqrt(0.5/3); times the perplexity.
        #expect(abs(estimate.error - (0.5 / 3).squareRoot() * exp(2.0)) < 1e-12)
        #expect(p.chunkText(3) == "[3]7.3891,")
        #expect(p.finalText == "Final estimate: PPL = 7.3891 +/- 3.01657")
        var flat = PerplexityAccumulator()
        flat.add(negativeLogLikelihood: 1)
        flat.add(negativeLogLikelihood: 1)
        #expect(flat.estimate == nil)
    }

    @Test func percentilesInterpolateAsLlamaCpp() {
        let sorted: [Float] = [0, 1, 2, 3, 4]
        #expect(KLDivergenceAccumulator.percentile(sorted, 0.5) == 2)
        #expect(abs(KLDivergenceAccumulator.percentile(sorted, 0.9) - 3.6) < 1e-6)
        #expect(KLDivergenceAccumulator.percentile(sorted, 0) == 0)
        #expect(KLDivergenceAccumulator.percentile(sorted, 1) == 4)
        #expect(KLDivergenceAccumulator.median([1, 2, 3, 4]) == 2.5)
    }

    // MARK: - the logits file

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("parley-\(UUID().uuidString)-\(name)").path
    }

    @Test func writtenFilesReadBack() throws {
        let path = Self.temporaryPath("base.kld")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let context = 8, vocabulary = 33, chunks = 2
        let tokens = (0..<(context * chunks)).map { Int32($0 % vocabulary) }
        let writer = try LogitsBaseWriter(path: path, contextLength: context, vocabularySize: vocabulary, chunkCount: chunks, tokens: tokens)
        var written: [[UInt16]] = []
        for r in 0..<(chunks * LogitsBaseFile.scoredPerChunk(contextLength: context)) {
            let logits = Self.logits(vocabulary, seed: UInt64(r))
            var row = [UInt16](repeating: 0, count: LogProbabilityRow.wordCount(vocabularySize: vocabulary))
            logits.withUnsafeBufferPointer { l in
                _ = row.withUnsafeMutableBufferPointer { LogProbabilityRow.encode(l, target: 1, into: $0) }
                _ = try? writer.append(logits: l, target: 1)
            }
            written.append(row)
        }
        try writer.flush()
        let file = try LogitsBaseFile(path: path)
        #expect(file.contextLength == context && file.vocabularySize == vocabulary && file.chunkCount == chunks)
        #expect(file.tokens == tokens)
        var row = [UInt16](repeating: 0, count: file.wordsPerRow)
        for (r, expected) in written.enumerated() {
            row.withUnsafeMutableBufferPointer { file.readRow(chunk: r / 3, index: r % 3, into: $0) }
            #expect(row == expected)
        }
    }

    static func header(context: UInt32, vocabulary: Int32, chunks: Int32) -> [UInt8] {
        Array("_logits_".utf8) + le(context) + le(UInt32(bitPattern: vocabulary)) + le(UInt32(bitPattern: chunks))
    }

    @Test func hostileFilesAreRefusedInOneLine() throws {
        let valid = Self.header(context: 4, vocabulary: 2, chunks: 1) + [UInt8](repeating: 0, count: 16 + 1 * 6 * 2)
        #expect(throws: Never.self) { try LogitsBaseFile(bytes: valid) }
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("not the magic", Array("_logitz_".utf8) + [UInt8](repeating: 0, count: 40)),
            ("header cut short", Array(valid.prefix(15))),
            ("a byte short", Array(valid.dropLast())),
            ("a byte long", valid + [0]),
            ("context 0", Self.header(context: 0, vocabulary: 2, chunks: 1)),
            ("context huge", Self.header(context: .max, vocabulary: 2, chunks: 1)),
            ("negative vocabulary", Self.header(context: 4, vocabulary: -1, chunks: 1)),
            ("negative chunks", Self.header(context: 4, vocabulary: 2, chunks: -5)),
            ("size overflows", Self.header(context: 1 << 20, vocabulary: 4 << 20, chunks: .max)),
        ]
        for (name, bytes) in cases {
            do {
                _ = try LogitsBaseFile(bytes: bytes)
                Issue.record("\(name): accepted")
            } catch let error as PerplexityError {
                #expect(!error.description.contains("\n"), "\(name)")
            } catch {
                Issue.record("\(name): \(error)")
            }
        }
        // Random corruption of a valid header: an error or a file, never a crash.
        var rng = TestRandom(seed: 5)
        for _ in 0..<500 {
            var bytes = valid
            for _ in 0..<3 { bytes[8 + Int(rng.next() % 12)] = UInt8(truncatingIfNeeded: rng.next()) }
            _ = try? LogitsBaseFile(bytes: bytes)
        }
    }
}
