#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a KL-divergence base file in llama-perplexity's format (see `LogitsBaseFile`), so that
/// `llama-perplexity --kl-divergence` can compare llama.cpp's logits with Parley's, and Parley
/// with a later run of itself.
public final class LogitsBaseWriter {
    public let path: String
    public let vocabularySize: Int
    private let fd: Int32
    private var row: [UInt16]
    private var pending: [UInt8] = []
    private var failure: PerplexityError?

    /// Creates (or truncates) `path` and writes the header and `tokens` (chunkCount × contextLength).
    public init(path: String, contextLength: Int, vocabularySize: Int, chunkCount: Int, tokens: [Int32]) throws {
        precondition(tokens.count == contextLength * chunkCount)
        self.path = path
        self.vocabularySize = vocabularySize
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PerplexityError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        row = [UInt16](repeating: 0, count: LogProbabilityRow.wordCount(vocabularySize: vocabularySize))
        pending += LogitsBaseFile.magic
        append(UInt32(contextLength))
        append(UInt32(vocabularySize))
        append(UInt32(chunkCount))
        for token in tokens { append(UInt32(bitPattern: token)) }
        try flush()
    }

    deinit { close(fd) }

    private func append(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { pending += $0 }
    }

    /// Stores one position's logits; returns the negative log-likelihood of `target`.
    @discardableResult
    public func append(logits: UnsafeBufferPointer<Float>, target: Int) throws -> Double {
        precondition(logits.count == vocabularySize)
        let nll = row.withUnsafeMutableBufferPointer { LogProbabilityRow.encode(logits, target: target, into: $0) }
        for i in row.indices { row[i] = row[i].littleEndian }
        row.withUnsafeBytes { pending += $0 }
        if pending.count >= 1 << 20 { try flush() }
        return nll
    }

    /// Writes what is buffered.
    public func flush() throws {
        if let failure { throw failure }
        var done = 0
        while done < pending.count {
            let wrote = pending.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if wrote < 0 {
                if errno == EINTR { continue }
                failure = PerplexityError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
                throw failure!
            }
            done += wrote
        }
        pending.removeAll(keepingCapacity: true)
    }
}
