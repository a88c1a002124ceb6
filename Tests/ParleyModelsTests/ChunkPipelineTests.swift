import Foundation
import ParleyTestThreads
import Testing

@testable import ParleyModels

/// The pipeline that hashes and writes a download on a thread of its own: everything appended
/// arrives in order and whole, `drain` waits for it, and a failure stops it and is reported.
@Suite("Chunk pipeline", .heavy)
struct ChunkPipelineTests {
    final class Sink: @unchecked Sendable {
        let lock = NSLock()
        var bytes = Data()
        var calls = 0
        var failAt: Int?
        struct Failed: Error {}

        func take(_ piece: UnsafeRawBufferPointer) throws {
            try lock.withLock {
                calls += 1
                if let failAt, calls >= failAt { throw Failed() }
                bytes.append(contentsOf: piece)
            }
        }
    }

    @Test func everythingArrivesInOrderWhateverThePieceSizes() throws {
        let sink = Sink()
        let pipeline = ChunkPipeline { try sink.take($0) }
        var expected = Data()
        var generator = SystemRandomNumberGenerator()
        // Pieces from one byte to more than a chunk, so chunks fill across pieces and a piece
        // spans several chunks (more than the pipeline holds at once).
        for size in [1, 7, 16 << 10, ChunkPipeline.chunkSize - 3, ChunkPipeline.chunkSize * 5 + 11, 512 << 10, 2] {
            let piece = Data((0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) })
            expected.append(piece)
            try piece.withUnsafeBytes { try pipeline.append($0) }
        }
        try pipeline.drain()
        #expect(sink.bytes == expected)
        // Draining again, or appending after a drain, goes on where it was.
        try pipeline.drain()
        try Data([1, 2, 3]).withUnsafeBytes { try pipeline.append($0) }
        pipeline.close()
        #expect(sink.bytes.count == expected.count + 3)
    }

    @Test func aFailureStopsTheRestAndIsThrown() throws {
        let sink = Sink()
        sink.failAt = 2
        let pipeline = ChunkPipeline { try sink.take($0) }
        let piece = Data(repeating: 7, count: ChunkPipeline.chunkSize)
        var thrown = false
        do {
            for _ in 0..<(ChunkPipeline.chunkCount * 3) { try piece.withUnsafeBytes { try pipeline.append($0) } }
            try pipeline.drain()
        } catch is Sink.Failed {
            thrown = true
        }
        #expect(thrown)
        #expect(sink.bytes.count == ChunkPipeline.chunkSize, "nothing after the failed chunk was taken")
        pipeline.clearFailure()
        pipeline.close()
    }
}
