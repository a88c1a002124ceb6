/// Applies BPE merges to one pre-tokenized word, exactly as llama.cpp's `llm_tokenizer_bpe_session`
/// does: start from one symbol per byte, repeatedly merge the adjacent pair with the lowest rank
/// (leftmost first on ties), then map each final symbol to its token.
///
/// A value holds reusable scratch buffers; make one per encode call (it is not thread-safe).
struct BPEWordEncoder {
    private let table: BPEMergeTable
    private let singleByteTokens: [Int32]
    private var piece: [Int32] = []
    private var previous: [Int32] = []
    private var next: [Int32] = []
    private var start: [Int32] = []
    private var length: [Int32] = []
    private var queue = MinHeap<BPEMergeCandidate>()

    /// `singleByteTokens[b]` is the token whose text is the single byte `b`, or -1: llama.cpp's
    /// last resort for a symbol that is not a token.
    init(table: BPEMergeTable, singleByteTokens: [Int32]) {
        self.table = table
        self.singleByteTokens = singleByteTokens
    }

    /// Encodes the word `bytes` (raw UTF-8, before the byte-to-character mapping) into `output`.
    mutating func encode(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        let count = bytes.count
        guard count > 0 else { return }
        piece.removeAll(keepingCapacity: true)
        previous.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        start.removeAll(keepingCapacity: true)
        length.removeAll(keepingCapacity: true)
        for i in 0..<count {
            piece.append(table.pieceForByte[Int(bytes[i])])
            previous.append(Int32(i - 1))
            next.append(i + 1 == count ? -1 : Int32(i + 1))
            start.append(Int32(i))
            length.append(1)
        }
        queue.removeAll()
        for i in 1..<max(count, 1) {
            addPair(Int32(i - 1), Int32(i))
        }
        while let pair = queue.popMin() {
            let left = Int(pair.left), right = Int(pair.right)
            if length[left] == 0 || length[right] == 0 { continue }
            if piece[left] != pair.leftPiece || piece[right] != pair.rightPiece { continue }
            piece[left] = pair.result
            length[left] += length[right]
            length[right] = 0
            next[left] = next[right]
            if next[right] >= 0 { previous[Int(next[right])] = pair.left }
            addPair(previous[left], pair.left)
            addPair(pair.left, next[left])
        }
        var i: Int32 = 0
        while i >= 0 {
            let index = Int(i)
            let id = piece[index]
            if id >= 0 && id < table.vocabularyCount {
                output.append(id)
            } else {
                // Not a token: llama.cpp looks each byte of the symbol's spelling up on its own;
                // only printable ASCII spells as a single byte, so only those can match.
                for offset in Int(start[index])..<Int(start[index] + length[index]) {
                    let byte = bytes[offset]
                    if byte >= 0x21 && byte <= 0x7E {
                        let single = singleByteTokens[Int(byte)]
                        if single >= 0 { output.append(single) }
                    }
                }
            }
            i = next[index]
        }
    }

    @inline(__always)
    private mutating func addPair(_ left: Int32, _ right: Int32) {
        guard left >= 0, right >= 0 else { return }
        let leftPiece = piece[Int(left)], rightPiece = piece[Int(right)]
        guard leftPiece >= 0, rightPiece >= 0, let merge = table.merge(leftPiece, rightPiece) else { return }
        queue.push(BPEMergeCandidate(
            rank: merge.rank, left: left, right: right,
            leftPiece: leftPiece, rightPiece: rightPiece, result: merge.result))
    }
}

/// A candidate merge of two adjacent symbols; the queue pops the lowest rank, leftmost first.
struct BPEMergeCandidate: HeapOrdered {
    let rank: Int32
    let left: Int32
    let right: Int32
    let leftPiece: Int32
    let rightPiece: Int32
    let result: Int32

    @inline(__always)
    func precedes(_ other: BPEMergeCandidate) -> Bool {
        rank < other.rank || (rank == other.rank && left < other.left)
    }
}
