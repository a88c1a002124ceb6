/// SentencePiece-style tokenization (`tokenizer.ggml.model = llama`) as llama.cpp's
/// `llm_tokenizer_spm_session` does it: start from one symbol per UTF-8 character, repeatedly
/// merge the adjacent pair whose concatenation is the vocabulary token with the highest score
/// (leftmost first on ties), then emit each symbol's token, or its bytes as `<0xXX>` tokens when
/// the symbol is not in the vocabulary.
///
/// The caller has already replaced spaces with `▁` and added the space prefix.
struct SentencePieceEncoder {
    private struct Symbol {
        var start: Int
        var length: Int
        var previous: Int
        var next: Int
    }

    private struct Pair: HeapOrdered {
        let score: Float
        let left: Int
        let right: Int
        let size: Int

        func precedes(_ other: Pair) -> Bool {
            score > other.score || (score == other.score && left < other.left)
        }
    }

    let tokenIDs: [[UInt8]: Int32]
    let scores: [Float]
    /// Token for each byte value (`<0xXX>`, else the one-byte string), or -1.
    let byteTokens: [Int32]
    /// Emitted for a byte that has no token at all (llama.cpp would abort there).
    let unknownToken: Int32?

    func encode(_ text: [UInt8], into output: inout [Int32]) {
        guard !text.isEmpty else { return }
        var symbols: [Symbol] = []
        symbols.reserveCapacity(text.count)
        var offset = 0
        while offset < text.count {
            let length = min(Self.utf8SequenceLength(text[offset]), text.count - offset)
            let index = symbols.count
            offset += length
            symbols.append(Symbol(start: offset - length, length: length, previous: index - 1,
                                  next: offset == text.count ? -1 : index + 1))
        }
        var heap = MinHeap<Pair>()
        func tryAddPair(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0 else { return }
            let from = symbols[left].start
            let size = symbols[left].length + symbols[right].length
            guard let id = tokenIDs[Array(text[from..<(from + size)])] else { return }
            heap.push(Pair(score: scores[Int(id)], left: left, right: right, size: size))
        }
        for i in 1..<max(symbols.count, 1) {
            tryAddPair(i - 1, i)
        }
        while let pair = heap.popMin() {
            let leftLength = symbols[pair.left].length, rightLength = symbols[pair.right].length
            if leftLength == 0 || rightLength == 0 || leftLength + rightLength != pair.size { continue }
            symbols[pair.left].length += rightLength
            symbols[pair.right].length = 0
            symbols[pair.left].next = symbols[pair.right].next
            if symbols[pair.right].next >= 0 {
                symbols[symbols[pair.right].next].previous = pair.left
            }
            tryAddPair(symbols[pair.left].previous, pair.left)
            tryAddPair(pair.left, symbols[pair.left].next)
        }
        var i = 0
        while i != -1 {
            let symbol = symbols[i]
            let bytes = Array(text[symbol.start..<(symbol.start + symbol.length)])
            if let id = tokenIDs[bytes] {
                output.append(id)
            } else {
                // Every merged symbol is a token, so this is one character the vocabulary lacks.
                for byte in bytes {
                    let id = byteTokens[Int(byte)]
                    if id >= 0 {
                        output.append(id)
                    } else if let unknownToken {
                        output.append(unknownToken)
                    }
                }
            }
            i = symbol.next
        }
    }

    /// Length of a UTF-8 sequence from its first byte, as llama.cpp's `unicode_len_utf8` judges it.
    static func utf8SequenceLength(_ byte: UInt8) -> Int {
        switch byte >> 4 {
        case 0xC, 0xD: return 2
        case 0xE: return 3
        case 0xF: return 4
        default: return 1
        }
    }
}
