/// The merge list of a byte-level BPE vocabulary, turned into a table keyed by piece ids.
///
/// Every string that can be a BPE symbol (a token's text, or either side or the result of a
/// merge) gets an integer "piece id": a token's own id when the string is a token, otherwise an
/// id past the end of the vocabulary. Merging then compares integers instead of strings.
struct BPEMergeTable: Sendable {
    /// One applicable merge: its rank (lower merges first) and the piece it produces.
    struct Merge: Sendable {
        let rank: Int32
        let result: Int32
    }

    /// Number of real tokens; piece ids at or past it are merge-only strings.
    let vocabularyCount: Int32
    /// Texts of the merge-only pieces, indexed by `id - vocabularyCount`.
    let extraPieces: [[UInt8]]
    /// The piece id of each byte's one-character string, or -1 when no token or merge uses it.
    let pieceForByte: [Int32]
    private let merges: [UInt64: Merge]

    /// Builds the table. `tokenIDs` maps token text (as bytes) to id; merges are
    /// "left right" strings in rank order, and the first occurrence of a pair wins, as in llama.cpp.
    init(merges mergeLines: [String], tokenIDs: [[UInt8]: Int32], vocabularyCount: Int) {
        self.vocabularyCount = Int32(vocabularyCount)
        var extra: [[UInt8]] = []
        var extraIDs: [[UInt8]: Int32] = [:]
        func intern(_ text: [UInt8]) -> Int32 {
            if let id = tokenIDs[text] { return id }
            if let id = extraIDs[text] { return id }
            let id = Int32(vocabularyCount + extra.count)
            extra.append(text)
            extraIDs[text] = id
            return id
        }
        var table: [UInt64: Merge] = [:]
        table.reserveCapacity(mergeLines.count)
        for (rank, line) in mergeLines.enumerated() {
            let bytes = Array(line.utf8)
            // Split at the first space after the first byte (llama.cpp: find(' ', 1)).
            guard bytes.count > 1, let space = bytes[1...].firstIndex(of: 0x20) else { continue }
            let left = Array(bytes[..<space])
            let right = Array(bytes[(space + 1)...])
            let leftID = intern(left)
            let rightID = intern(right)
            let key = Self.key(leftID, rightID)
            if table[key] == nil {
                table[key] = Merge(rank: Int32(rank), result: intern(left + right))
            }
        }
        self.merges = table
        self.pieceForByte = BPEByteUnits.utf8ForByte.map { tokenIDs[$0] ?? extraIDs[$0] ?? -1 }
        self.extraPieces = extra
    }

    /// The merge for two adjacent pieces, if the vocabulary has one.
    @inline(__always)
    func merge(_ left: Int32, _ right: Int32) -> Merge? {
        merges[Self.key(left, right)]
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }
}
