#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A vocabulary's token pieces as a grammar sees them, in a byte trie, built once per tokenizer.
///
/// The pieces are llama.cpp's: special tokens rendered as their text (its piece cache is built
/// with `special = true`, so `<|im_start|>` is allowed wherever the grammar allows those
/// characters), cut at a NUL byte (it reads pieces as C strings). Tokens with an empty piece are
/// never allowed. Walking the trie with a grammar state decides each shared prefix once and skips
/// a whole subtree as soon as its prefix is refused.
///
/// The trie is stored in preorder: node `i` adds byte `nodeBytes[i]` at depth `nodeDepths[i]` to
/// its parent (the closest earlier node one level up); `nodeSkips[i]` is the first node after its
/// subtree; tokens whose pieces end at node `i` are `sortedTokens[tokenStarts[i]..<tokenStarts[i+1]]`.
public final class GrammarVocabulary: Sendable {
    /// Number of token ids (pieces may be empty).
    public let count: Int
    /// Each token's bytes as the grammar sees them; empty when it can never be allowed.
    let pieces: [[UInt8]]
    let nodeBytes: [UInt8]
    let nodeDepths: [Int32]
    let nodeSkips: [Int32]
    let tokenStarts: [Int32]
    let sortedTokens: [Int32]
    /// The longest piece, in bytes: the deepest node.
    let maxDepth: Int

    /// The tokenizer's pieces as llama.cpp's grammar sees them. Prefer `tokenizer.grammarVocabulary`,
    /// which builds this once per tokenizer.
    public convenience init(tokenizer: Tokenizer) {
        self.init(pieces: (0..<tokenizer.vocabularySize).map { tokenizer.pieceBytes(Int32($0), renderSpecial: true) })
    }

    /// A vocabulary of these pieces (token `i` is `pieces[i]`), cut at NUL bytes.
    public init(pieces rawPieces: [[UInt8]]) {
        let pieces = rawPieces.map { piece in piece.firstIndex(of: 0).map { Array(piece[..<$0]) } ?? piece }
        self.count = pieces.count
        self.pieces = pieces

        // Sort the non-empty pieces (ties by id) through one flat buffer and memcmp: this runs
        // once per model, but on ~50,000 pieces.
        var flat: [UInt8] = []
        var offsets: [Int] = [0]
        for piece in pieces {
            flat.append(contentsOf: piece)
            offsets.append(flat.count)
        }
        var order = (0..<pieces.count).filter { !pieces[$0].isEmpty }.map { Int32($0) }
        flat.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress!
            order.sort { a, b in
                let (sa, la) = (offsets[Int(a)], offsets[Int(a) + 1] - offsets[Int(a)])
                let (sb, lb) = (offsets[Int(b)], offsets[Int(b) + 1] - offsets[Int(b)])
                let common = memcmp(base + sa, base + sb, min(la, lb))
                if common != 0 { return common < 0 }
                return la != lb ? la < lb : a < b
            }
        }

        var nodeBytes: [UInt8] = []
        var nodeDepths: [Int32] = []
        var nodeSkips: [Int32] = []
        var tokenNodes: [Int32] = []
        tokenNodes.reserveCapacity(order.count)
        var path: [Int] = []
        var previous: [UInt8] = []
        var maxDepth = 0
        for token in order {
            let piece = pieces[Int(token)]
            var common = 0
            let limit = min(piece.count, previous.count)
            while common < limit && piece[common] == previous[common] { common += 1 }
            while path.count > common { nodeSkips[path.removeLast()] = Int32(nodeBytes.count) }
            for depth in common..<piece.count {
                path.append(nodeBytes.count)
                nodeBytes.append(piece[depth])
                nodeDepths.append(Int32(depth + 1))
                nodeSkips.append(0)
            }
            tokenNodes.append(Int32(path[piece.count - 1]))
            maxDepth = max(maxDepth, piece.count)
            previous = piece
        }
        while let node = path.popLast() { nodeSkips[node] = Int32(nodeBytes.count) }
        // Tokens attach to nodes in increasing node order, so each node's tokens are a range.
        var tokenStarts = [Int32](repeating: 0, count: nodeBytes.count + 1)
        for node in tokenNodes { tokenStarts[Int(node) + 1] += 1 }
        for i in 0..<nodeBytes.count { tokenStarts[i + 1] += tokenStarts[i] }

        self.nodeBytes = nodeBytes
        self.nodeDepths = nodeDepths
        self.nodeSkips = nodeSkips
        self.tokenStarts = tokenStarts
        self.sortedTokens = order
        self.maxDepth = maxDepth
    }

    /// The bytes of `token` as the grammar sees them (empty for out-of-range ids).
    public func piece(_ token: Int32) -> [UInt8] {
        guard token >= 0, Int(token) < count else { return [] }
        return pieces[Int(token)]
    }

    /// Trie nodes (distinct non-empty prefixes of pieces).
    public var nodeCount: Int { nodeBytes.count }
}

/// Holds a tokenizer's grammar vocabulary once it is built (the tokenizer itself is immutable).
final class GrammarVocabularySlot: @unchecked Sendable {
    private let lock = GrammarLock()
    private var vocabulary: GrammarVocabulary?

    func value(_ build: () -> GrammarVocabulary) -> GrammarVocabulary {
        lock.withLock {
            if let vocabulary { return vocabulary }
            let built = build()
            vocabulary = built
            return built
        }
    }
}

extension Tokenizer {
    /// The vocabulary as grammars see it, built on first use and kept with the tokenizer, so
    /// every grammar-constrained generation with this tokenizer shares it.
    public var grammarVocabulary: GrammarVocabulary {
        grammarVocabularySlot.value { GrammarVocabulary(tokenizer: self) }
    }
}
