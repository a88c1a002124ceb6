/// A KL-divergence base file as llama-perplexity writes it (`--kl-divergence-base FILE` without
/// `--kl-divergence`), opened for reading: `_logits_`, the context length (u32), the vocabulary
/// size and the chunk count (i32), every chunk's tokens (i32, context length per chunk), then for
/// each chunk one `LogProbabilityRow` per scored position (the second half of the chunk but its
/// last token), all little-endian.
///
/// Every count is checked against the file's size before anything is allocated, so a truncated or
/// hostile file is a one-line error.
public final class LogitsBaseFile: @unchecked Sendable {
    static let magic = Array("_logits_".utf8)
    static let headerBytes = 20

    public let path: String
    public let contextLength: Int
    public let vocabularySize: Int
    public let chunkCount: Int
    /// chunkCount × contextLength tokens.
    public let tokens: [Int32]
    private let storage: GGUFStorage
    private let rowsOffset: Int

    /// Positions scored per chunk: from the middle of the chunk to the one before its end.
    public static func scoredPerChunk(contextLength: Int) -> Int { contextLength - 1 - contextLength / 2 }

    /// The size a file with these counts has, or nil when it overflows.
    static func expectedSize(contextLength: Int, vocabularySize: Int, chunkCount: Int) -> Int? {
        let words = LogProbabilityRow.wordCount(vocabularySize: vocabularySize)
        let (tokenCount, o1) = chunkCount.multipliedReportingOverflow(by: contextLength)
        let (rows, o2) = chunkCount.multipliedReportingOverflow(by: scoredPerChunk(contextLength: contextLength))
        let (rowBytes, o3) = rows.multipliedReportingOverflow(by: words * 2)
        let (tokenBytes, o4) = tokenCount.multipliedReportingOverflow(by: 4)
        let (total, o5) = tokenBytes.addingReportingOverflow(rowBytes)
        guard !(o1 || o2 || o3 || o4 || o5) else { return nil }
        return total + headerBytes
    }

    public convenience init(path: String) throws {
        let storage: GGUFStorage
        do {
            storage = try GGUFStorage(path: path)
        } catch GGUFError.cannotOpen(_, let reason) {
            throw PerplexityError.cannotRead(path: path, reason: reason)
        } catch {
            throw PerplexityError.notLogitsFile(path: path)
        }
        try self.init(storage: storage, path: path)
    }

    /// Parses a file image held in memory (tests).
    public convenience init(bytes: [UInt8], path: String = "input") throws {
        try self.init(storage: GGUFStorage(bytes: bytes), path: path)
    }

    private init(storage: GGUFStorage, path: String) throws {
        self.storage = storage
        self.path = path
        let base = storage.base
        func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        guard storage.count >= 8, (0..<8).allSatisfy({ base.load(fromByteOffset: $0, as: UInt8.self) == Self.magic[$0] }) else {
            throw PerplexityError.notLogitsFile(path: path)
        }
        guard storage.count >= Self.headerBytes else {
            throw PerplexityError.logitsFileCorrupt(path: path, reason: "the header ends after \(storage.count) bytes")
        }
        let context = Int(u32(8)), vocabulary = Int(Int32(bitPattern: u32(12))), chunks = Int(Int32(bitPattern: u32(16)))
        guard context >= 4, context <= LlamaModel.maximumContextLength else {
            throw PerplexityError.logitsFileCorrupt(path: path, reason: "context length \(context) is out of range (4 to \(LlamaModel.maximumContextLength))")
        }
        guard vocabulary > 0, vocabulary <= GGUFFile.maximumArrayElements else {
            throw PerplexityError.logitsFileCorrupt(path: path, reason: "vocabulary size \(vocabulary) is out of range")
        }
        guard chunks > 0 else {
            throw PerplexityError.logitsFileCorrupt(path: path, reason: "chunk count \(chunks) is not positive")
        }
        guard let expected = Self.expectedSize(contextLength: context, vocabularySize: vocabulary, chunkCount: chunks),
              expected == storage.count
        else {
            throw PerplexityError.logitsFileCorrupt(
                path: path, reason: "\(chunks) chunks of \(context) tokens over \(vocabulary) entries do not make its \(storage.count) bytes")
        }
        contextLength = context
        vocabularySize = vocabulary
        chunkCount = chunks
        tokens = (0..<(chunks * context)).map { Int32(bitPattern: u32(Self.headerBytes + 4 * $0)) }
        rowsOffset = Self.headerBytes + 4 * chunks * context
    }

    public var wordsPerRow: Int { LogProbabilityRow.wordCount(vocabularySize: vocabularySize) }

    /// Copies the stored row of scored position `index` (0-based within the scored positions) of
    /// chunk `chunk` into `row` (`wordsPerRow` words).
    public func readRow(chunk: Int, index: Int, into row: UnsafeMutableBufferPointer<UInt16>) {
        precondition(chunk < chunkCount && index < Self.scoredPerChunk(contextLength: contextLength) && row.count == wordsPerRow)
        let rowNumber = chunk * Self.scoredPerChunk(contextLength: contextLength) + index
        let start = rowsOffset + rowNumber * wordsPerRow * 2
        for i in 0..<wordsPerRow {
            row[i] = UInt16(littleEndian: storage.base.loadUnaligned(fromByteOffset: start + 2 * i, as: UInt16.self))
        }
    }
}
