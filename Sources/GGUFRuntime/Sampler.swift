/// Settings of token sampling. A temperature of 0 (or below) means greedy decoding.
public struct SamplingParameters: Sendable, Equatable {
    public var temperature: Float
    /// Keep only the k most likely tokens; 0 keeps all.
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probability reaches p; 1 keeps all.
    public var topP: Float
    /// Drop tokens less likely than minP times the most likely one; 0 keeps all.
    public var minP: Float
    /// Divides positive (multiplies negative) logits of recently seen tokens; 1 disables.
    public var repetitionPenalty: Float
    /// How many of the most recent tokens the repetition penalty looks at.
    public var repetitionWindow: Int
    public var seed: UInt64

    public init(temperature: Float = 0.8, topK: Int = 40, topP: Float = 0.95, minP: Float = 0.05,
                repetitionPenalty: Float = 1.0, repetitionWindow: Int = 64, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.repetitionWindow = repetitionWindow
        self.seed = seed
    }

    /// Always the most likely token.
    public static let greedy = SamplingParameters(temperature: 0, topK: 1, topP: 1, minP: 0)
}

/// Picks the next token from logits. Deterministic: the same parameters (seed
/// included) and the same logits give the same tokens.
public struct Sampler: Sendable {
    public let parameters: SamplingParameters
    private var random: SplitMix64

    public init(_ parameters: SamplingParameters) {
        self.parameters = parameters
        random = SplitMix64(seed: parameters.seed)
    }

    /// True when sampling always takes the most likely token (no randomness).
    public var isGreedy: Bool { parameters.temperature <= 0 || parameters.topK == 1 }

    /// The next token given `logits` and the tokens so far (for the repetition penalty).
    public mutating func sample(logits: [Float], history: [Int32]) -> Int32 {
        sample(logits, history: history, masked: false)
    }

    /// Like `sample(logits:history:)` for logits a grammar has masked (disallowed ones are
    /// -infinity, at least one is finite): masked tokens are never picked, even when rounding
    /// leaves the cumulative probability short of the random draw.
    mutating func sample(maskedLogits logits: [Float], history: [Int32]) -> Int32 {
        sample(logits, history: history, masked: true)
    }

    private mutating func sample(_ logits: [Float], history: [Int32], masked: Bool) -> Int32 {
        var scores = logits
        let p = parameters
        if p.repetitionPenalty != 1, p.repetitionPenalty > 0, p.repetitionWindow > 0 {
            for token in Set(history.suffix(p.repetitionWindow)) where token >= 0 && Int(token) < scores.count {
                let i = Int(token)
                scores[i] = scores[i] > 0 ? scores[i] / p.repetitionPenalty : scores[i] * p.repetitionPenalty
            }
        }
        guard !scores.isEmpty else { return 0 }
        if p.temperature <= 0 || p.topK == 1 {
            return Int32(Self.argmax(scores))
        }
        // Candidates, most likely first.
        var candidates = Array(scores.indices)
        if p.topK > 0 && p.topK < candidates.count {
            candidates = Self.topIndices(scores, k: p.topK)
        } else {
            candidates.sort { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        }
        if masked {
            // Masked tokens sort last and have probability 0: dropping them changes no
            // probability, only what the fallback after the draw can return.
            while let last = candidates.last, scores[last] == -.infinity, candidates.count > 1 { candidates.removeLast() }
        }
        var probabilities = Self.softmax(candidates.map { scores[$0] })
        if p.topP < 1 {
            var cumulative: Float = 0
            var keep = candidates.count
            for (i, probability) in probabilities.enumerated() {
                cumulative += probability
                if cumulative >= p.topP {
                    keep = i + 1
                    break
                }
            }
            candidates.removeLast(candidates.count - keep)
            probabilities.removeLast(probabilities.count - keep)
        }
        if p.minP > 0, let top = probabilities.first {
            let keep = max(1, probabilities.prefix { $0 >= p.minP * top }.count)
            candidates.removeLast(candidates.count - keep)
        }
        let tempered = Self.softmax(candidates.map { scores[$0] / p.temperature })
        let r = Float(random.nextUnit())
        var cumulative: Float = 0
        for (i, probability) in tempered.enumerated() {
            cumulative += probability
            if r < cumulative { return Int32(candidates[i]) }
        }
        return Int32(candidates[candidates.count - 1])
    }

    /// Index of the largest value; the first one on ties.
    public static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }

    static func topIndices(_ scores: [Float], k: Int) -> [Int] {
        var top: [Int] = []
        top.reserveCapacity(k + 1)
        for i in scores.indices {
            if top.count == k, let last = top.last, scores[i] <= scores[last] { continue }
            var at = top.count
            while at > 0 && scores[top[at - 1]] < scores[i] { at -= 1 }
            top.insert(i, at: at)
            if top.count > k { top.removeLast() }
        }
        return top
    }

    static func softmax(_ values: [Float]) -> [Float] {
        guard let maximum = values.max() else { return [] }
        let exps = values.map { expf($0 - maximum) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }
}

/// A small, fast, seedable generator (SplitMix64); the same seed gives the same stream
/// on every platform.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
