/// Which attention code computed a position. The two give slightly different numbers (as in
/// llama.cpp, whose numerics the runtime follows): a position's key and value, and everything
/// after it, depend on which one ran.
public enum AttentionPath: UInt8, Sendable, Equatable {
    /// One query at a time, F16 accumulation: batches of fewer than 64 tokens, generation.
    case oneQuery = 0
    /// F32 accumulation over 64-key tiles: batches of 64 tokens or more.
    case tiled = 1
}

/// How a prompt is cut into batches, so that evaluating it after a reused prefix computes every
/// position exactly as evaluating it from position 0 does.
///
/// From scratch a prompt of N tokens is evaluated in batches of `chunkSize` starting at 0, the last
/// one shorter; a batch of `tiledThreshold` tokens or more takes the tiled path. Every other
/// step of a position (matrix products, norms, RoPE, one query's attention) gives the same bits
/// whatever batch it is in, so a position's numbers depend only on the tokens up to it and on the
/// path each of them took. The path of position p is therefore a function of p and N alone:
/// tiled iff the aligned chunk holding p, cut at N, has at least `tiledThreshold` tokens. A held
/// prefix whose tokens and paths both agree with that is exactly what a fresh run would compute.
public struct PromptChunking: Sendable, Equatable {
    public let chunkSize: Int
    public let tiledThreshold: Int

    public init(chunkSize: Int, tiledThreshold: Int) {
        precondition(chunkSize > 0 && tiledThreshold > 0)
        self.chunkSize = chunkSize
        self.tiledThreshold = tiledThreshold
    }

    /// The path of `position` in a prompt ending at `end`; `end` nil means more tokens follow
    /// (a prefix evaluated ahead of its prompt), taken to fill the chunk past the threshold.
    public func path(at position: Int, promptEnd end: Int?) -> AttentionPath {
        guard let end else { return .tiled }
        let chunkStart = position - position % chunkSize
        return min(chunkSize, end - chunkStart) >= tiledThreshold ? .tiled : .oneQuery
    }

    /// The batches that evaluate positions `range` of a prompt ending at `end`: cut at multiples of
    /// `chunkSize` (a batch never spans two chunks, whose paths may differ) and at most `maxBatch`
    /// long, each with its path.
    public func batches(_ range: Range<Int>, promptEnd end: Int?, maxBatch: Int) -> [(range: Range<Int>, path: AttentionPath)] {
        precondition(maxBatch > 0)
        var result: [(range: Range<Int>, path: AttentionPath)] = []
        var start = range.lowerBound
        while start < range.upperBound {
            let chunkEnd = start - start % chunkSize + chunkSize
            let stop = min(range.upperBound, chunkEnd, start + maxBatch)
            result.append((start..<stop, path(at: start, promptEnd: end)))
            start = stop
        }
        return result
    }

    /// How many leading positions of what a session holds (`tokens`, each computed by `paths`) are
    /// exactly what evaluating `prompt` from scratch computes there (`promptEnd` as in `path`).
    public func reusablePrefix(
        heldTokens tokens: [Int32], heldPaths paths: [AttentionPath], prompt: [Int32], promptEnd end: Int?
    ) -> Int {
        let limit = min(tokens.count, paths.count, prompt.count)
        var count = 0
        while count < limit && tokens[count] == prompt[count] && paths[count] == path(at: count, promptEnd: end) {
            count += 1
        }
        return count
    }
}
