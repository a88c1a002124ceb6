/// The pieces a pre-tokenizer's regex cuts from chunks of code points, written out as llama.cpp's
/// hand-made splitters are: a read past either end of the chunk gives nothing, and each piece runs
/// from the end of the one before. Both regex splitters (GPT-2's and Llama 3's) cut through one.
struct PreTokenizerChunk {
    /// What a read outside the chunk gives: no code point.
    static let outside = UInt32.max

    private let cpts: UnsafeBufferPointer<UInt32>
    private(set) var start = 0
    private(set) var end = 0
    private var previousEnd = 0
    /// Every piece cut so far, over all chunks, in order.
    private(set) var pieces: [Range<Int>] = []

    init(_ cpts: UnsafeBufferPointer<UInt32>, chunkCount: Int) {
        self.cpts = cpts
        pieces.reserveCapacity(chunkCount + cpts.count / 4)
    }

    /// Starts cutting `chunk`.
    mutating func begin(_ chunk: Range<Int>) {
        (start, end, previousEnd) = (chunk.lowerBound, chunk.upperBound, chunk.lowerBound)
    }

    @inline(__always) func cpt(_ p: Int) -> UInt32 { p >= start && p < end ? cpts[p] : Self.outside }

    @inline(__always) func flags(_ p: Int) -> PreTokenizerCodepointFlags { p >= start && p < end ? .of(cpts[p]) : [] }

    /// Ends a piece at `to` (nothing when it would be empty); returns its length.
    @inline(__always) mutating func emit(_ to: Int) -> Int {
        let length = to - previousEnd
        if length > 0 { pieces.append(previousEnd..<to) }
        previousEnd = to
        return length
    }

    /// The last alternatives of both regexes, `\s+(?!\S)|\s+`, else a single code point: cuts the
    /// piece that starts at `pos` with its run of `length` white-space code points, and returns
    /// where it ends. A run followed by more text leaves its last space to start the next word.
    @inline(__always) mutating func cutWhitespaceRun(at pos: Int, length: Int) -> Int {
        let to: Int
        if length > 1 && cpt(pos + length) != Self.outside {
            to = pos + length - 1  // \s+(?!\S)
        } else if length > 0 {
            to = pos + length  // \s+
        } else {
            to = pos + 1
        }
        _ = emit(to)
        return to
    }

    /// The length of the English contraction at `pos` ('s 't 'm 'd 're 've 'll), 0 when there is
    /// none; `foldCase` for Llama 3's `(?i:...)`.
    @inline(__always) func contractionLength(at pos: Int, foldCase: Bool) -> Int {
        guard cpt(pos) == 0x27, pos + 1 < end else { return 0 }
        let next = foldCase ? Self.asciiLowercased(cpt(pos + 1)) : cpt(pos + 1)
        if next == 0x73 || next == 0x74 || next == 0x6D || next == 0x64 { return 2 }  // s t m d
        guard pos + 2 < end else { return 0 }
        let nextNext = foldCase ? Self.asciiLowercased(cpt(pos + 2)) : cpt(pos + 2)
        let twoLetters = (next == 0x72 && nextNext == 0x65) || (next == 0x76 && nextNext == 0x65) || (next == 0x6C && nextNext == 0x6C)
        return twoLetters ? 3 : 0  // re ve ll
    }

    /// Lower-cases for the contraction test. llama.cpp uses its full Unicode lower-case map, but
    /// the result is only compared with s t m d r e v l, and no non-ASCII code point lower-cases
    /// to one of those (only U+0130 → i and U+212A → k reach ASCII), so ASCII folding is exact.
    private static func asciiLowercased(_ c: UInt32) -> UInt32 {
        (c >= 0x41 && c <= 0x5A) ? c + 0x20 : c
    }
}
