/// The pre-tokenizer of a byte-level BPE vocabulary: the rules that cut text into words before
/// BPE merges run inside each word.
///
/// Each kind is a list of regular expressions applied one after another, each one splitting the
/// chunks the previous one produced (llama.cpp's `unicode_regex_split`). The expressions are
/// implemented by hand over code points, mirroring llama.cpp's own hand-written matchers so the
/// words — and therefore the tokens — come out identical.
public enum PreTokenizer: String, Sendable, CaseIterable {
    /// GPT-2's expression alone.
    case gpt2
    /// Every digit on its own, then GPT-2's expression (SmolLM, StarCoder, Refact, Command-R...).
    case smollm
    /// Llama 3: case-insensitive contractions, digits in groups of up to three, newline runs.
    case llama3
    /// Qwen 2: like Llama 3 but every digit on its own.
    case qwen2
    /// llama.cpp's fallback for unnamed BPE pre-tokenizers: punctuation runs, GPT-2's expression,
    /// number runs, then groups of three ASCII digits.
    case `default`

    /// The pre-tokenizer for a `tokenizer.ggml.pre` value, or nil when it is not one we implement.
    /// Names are those llama.cpp accepts for the same expressions.
    public static func named(_ name: String) -> PreTokenizer? {
        switch name {
        case "default":
            return .default
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva", "mellum2":
            return .smollm
        case "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "mpt", "olmo", "jais":
            return .gpt2
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "dbrx", "smaug-bpe":
            return .llama3
        case "qwen2", "deepseek-r1-qwen", "stablelm2":
            return .qwen2
        default:
            return nil
        }
    }

    /// Splits code points into words; returns the words as ranges of indices into `codepoints`,
    /// in order, covering all of it.
    func split(_ codepoints: [UInt32]) -> [Range<Int>] {
        guard !codepoints.isEmpty else { return [] }
        var chunks = [0..<codepoints.count]
        return codepoints.withUnsafeBufferPointer { cpts in
            switch self {
            case .gpt2:
                chunks = Self.splitGPT2(cpts, chunks)
            case .smollm:
                chunks = Self.isolateEach(cpts, chunks) { PreTokenizerCodepointFlags.of($0).isNumber }
                chunks = Self.splitGPT2(cpts, chunks)
            case .llama3:
                chunks = Self.splitLlama3(cpts, chunks, digitGroup: 3)
            case .qwen2:
                chunks = Self.splitLlama3(cpts, chunks, digitGroup: 1)
            case .default:
                chunks = Self.isolateRuns(cpts, chunks, where: Self.isDefaultPunctuation)
                chunks = Self.splitGPT2(cpts, chunks)
                chunks = Self.isolateRuns(cpts, chunks) { PreTokenizerCodepointFlags.of($0).isNumber }
                chunks = Self.isolateASCIIDigitTriples(cpts, chunks)
            }
            return chunks
        }
    }

    // MARK: - Generic "isolate the matches" splitters (llama.cpp's std::regex fallback)

    /// `[\p{P}\$\+<=>\^~\|]+` as llama.cpp evaluates it: punctuation, plus eight ASCII symbols.
    private static func isDefaultPunctuation(_ c: UInt32) -> Bool {
        switch c {
        case 0x24, 0x2B, 0x3C, 0x3D, 0x3E, 0x5E, 0x7E, 0x7C:  // $ + < = > ^ ~ |
            return true
        default:
            let flags = PreTokenizerCodepointFlags.of(c)
            return flags.isPunctuation && !flags.isWhitespace
        }
    }

    /// Every code point matching `matches` becomes a chunk of its own (a one-character pattern).
    private static func isolateEach(
        _ cpts: UnsafeBufferPointer<UInt32>, _ chunks: [Range<Int>], _ matches: (UInt32) -> Bool
    ) -> [Range<Int>] {
        var out: [Range<Int>] = []
        out.reserveCapacity(chunks.count * 2)
        for chunk in chunks {
            var gapStart = chunk.lowerBound
            for i in chunk where matches(cpts[i]) {
                if gapStart < i { out.append(gapStart..<i) }
                out.append(i..<(i + 1))
                gapStart = i + 1
            }
            if gapStart < chunk.upperBound { out.append(gapStart..<chunk.upperBound) }
        }
        return out
    }

    /// Every maximal run of matching code points becomes a chunk of its own (`[...]+`).
    private static func isolateRuns(
        _ cpts: UnsafeBufferPointer<UInt32>, _ chunks: [Range<Int>], where matches: (UInt32) -> Bool
    ) -> [Range<Int>] {
        var out: [Range<Int>] = []
        out.reserveCapacity(chunks.count * 2)
        for chunk in chunks {
            var gapStart = chunk.lowerBound
            var i = chunk.lowerBound
            while i < chunk.upperBound {
                if matches(cpts[i]) {
                    let runStart = i
                    while i < chunk.upperBound && matches(cpts[i]) { i += 1 }
                    if gapStart < runStart { out.append(gapStart..<runStart) }
                    out.append(runStart..<i)
                    gapStart = i
                } else {
                    i += 1
                }
            }
            if gapStart < chunk.upperBound { out.append(gapStart..<chunk.upperBound) }
        }
        return out
    }

    /// `[0-9][0-9][0-9]`: leftmost non-overlapping triples of ASCII digits become chunks.
    private static func isolateASCIIDigitTriples(
        _ cpts: UnsafeBufferPointer<UInt32>, _ chunks: [Range<Int>]
    ) -> [Range<Int>] {
        func isDigit(_ c: UInt32) -> Bool { c >= 0x30 && c <= 0x39 }
        var out: [Range<Int>] = []
        out.reserveCapacity(chunks.count)
        for chunk in chunks {
            var gapStart = chunk.lowerBound
            var i = chunk.lowerBound
            while i + 3 <= chunk.upperBound {
                if isDigit(cpts[i]) && isDigit(cpts[i + 1]) && isDigit(cpts[i + 2]) {
                    if gapStart < i { out.append(gapStart..<i) }
                    out.append(i..<(i + 3))
                    i += 3
                    gapStart = i
                } else {
                    i += 1
                }
            }
            if gapStart < chunk.upperBound { out.append(gapStart..<chunk.upperBound) }
        }
        return out
    }

    // MARK: - GPT-2: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+

    private static func splitGPT2(_ cpts: UnsafeBufferPointer<UInt32>, _ chunks: [Range<Int>]) -> [Range<Int>] {
        var piece = PreTokenizerChunk(cpts, chunkCount: chunks.count)
        for chunk in chunks {
            piece.begin(chunk)
            let end = chunk.upperBound
            var pos = chunk.lowerBound
            while pos < end {
                let c = piece.cpt(pos)
                let f = piece.flags(pos)
                // 's|'t|'re|'ve|'m|'ll|'d
                let contraction = piece.contractionLength(at: pos, foldCase: false)
                if contraction > 0 {
                    pos += piece.emit(pos + contraction)
                    continue
                }
                var f2 = c == 0x20 ? piece.flags(pos + 1) : f
                //  ?\p{L}+
                if f2.isLetter {
                    if c == 0x20 { pos += 1 }
                    while f2.isLetter { pos += 1; f2 = piece.flags(pos) }
                    _ = piece.emit(pos)
                    continue
                }
                //  ?\p{N}+
                if f2.isNumber {
                    if c == 0x20 { pos += 1 }
                    while f2.isNumber { pos += 1; f2 = piece.flags(pos) }
                    _ = piece.emit(pos)
                    continue
                }
                //  ?[^\s\p{L}\p{N}]+
                if !(f2.isWhitespace || f2.isLetter || f2.isNumber) && f2.isPresent {
                    if c == 0x20 { pos += 1 }
                    while !(f2.isWhitespace || f2.isLetter || f2.isNumber) && f2.isPresent {
                        pos += 1
                        f2 = piece.flags(pos)
                    }
                    _ = piece.emit(pos)
                    continue
                }
                var whitespaceCount = 0
                while piece.flags(pos + whitespaceCount).isWhitespace { whitespaceCount += 1 }
                pos = piece.cutWhitespaceRun(at: pos, length: whitespaceCount)
            }
        }
        return piece.pieces
    }

    // MARK: - Llama 3 / Qwen 2
    // (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
    // Qwen 2 has \p{N} where Llama 3 has \p{N}{1,3}.

    private static func splitLlama3(
        _ cpts: UnsafeBufferPointer<UInt32>, _ chunks: [Range<Int>], digitGroup: Int
    ) -> [Range<Int>] {
        var piece = PreTokenizerChunk(cpts, chunkCount: chunks.count)
        for chunk in chunks {
            piece.begin(chunk)
            let end = chunk.upperBound
            var pos = chunk.lowerBound
            while pos < end {
                let c = piece.cpt(pos)
                let f = piece.flags(pos)
                // (?i:'s|'t|'re|'ve|'m|'ll|'d)
                let contraction = piece.contractionLength(at: pos, foldCase: true)
                if contraction > 0 {
                    pos += piece.emit(pos + contraction)
                    continue
                }
                // [^\r\n\p{L}\p{N}]?\p{L}+
                if !(c == 0x0D || c == 0x0A || f.isNumber) {
                    if f.isLetter || piece.flags(pos + 1).isLetter {
                        pos += 1
                        while piece.flags(pos).isLetter { pos += 1 }
                        _ = piece.emit(pos)
                        continue
                    }
                }
                // \p{N}{1,3} (Llama 3) or \p{N} (Qwen 2)
                if f.isNumber {
                    if digitGroup == 1 {
                        pos += 1
                        _ = piece.emit(pos)
                        continue
                    }
                    var groupStart = pos
                    while piece.flags(pos).isNumber {
                        pos += 1
                        if pos - groupStart >= digitGroup {
                            _ = piece.emit(pos)
                            groupStart = pos
                        }
                    }
                    _ = piece.emit(pos)
                    continue
                }
                //  ?[^\s\p{L}\p{N}]+[\r\n]*
                var f2 = c == 0x20 ? piece.flags(pos + 1) : f
                if !(f2.isWhitespace || f2.isLetter || f2.isNumber) && f.isPresent {
                    if c == 0x20 { pos += 1 }
                    while !(f2.isWhitespace || f2.isLetter || f2.isNumber) && f2.isPresent {
                        pos += 1
                        f2 = piece.flags(pos)
                    }
                    var c2 = piece.cpt(pos)
                    while c2 == 0x0D || c2 == 0x0A {
                        pos += 1
                        c2 = piece.cpt(pos)
                    }
                    _ = piece.emit(pos)
                    continue
                }
                var whitespaceCount = 0
                var lastNewlineEnd = 0
                while piece.flags(pos + whitespaceCount).isWhitespace {
                    let c2 = piece.cpt(pos + whitespaceCount)
                    if c2 == 0x0D || c2 == 0x0A { lastNewlineEnd = pos + whitespaceCount + 1 }
                    whitespaceCount += 1
                }
                // \s*[\r\n]+
                if lastNewlineEnd > 0 {
                    pos = lastNewlineEnd
                    _ = piece.emit(pos)
                    continue
                }
                pos = piece.cutWhitespaceRun(at: pos, length: whitespaceCount)
            }
        }
        return piece.pieces
    }
}
