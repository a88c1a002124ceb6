#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The statistics llama-perplexity's `--kl-divergence` gathers, position by position, comparing a
/// model's logits with a base run's stored log-probabilities (`LogProbabilityRow`): both
/// perplexities and their correlation, the KL divergence of the model from the base, the change in
/// the probability of the actual next token, and how often both put the same token on top.
public struct KLDivergenceAccumulator: Sendable {
    public private(set) var sumNLL = 0.0
    public private(set) var sumNLL2 = 0.0
    public private(set) var sumBaseNLL = 0.0
    public private(set) var sumBaseNLL2 = 0.0
    public private(set) var sumNLLTimesBase = 0.0
    public private(set) var sumKLD = 0.0
    public private(set) var sumKLD2 = 0.0
    public private(set) var sumProbabilityDifference = 0.0
    public private(set) var sumProbabilityDifference2 = 0.0
    public private(set) var sumProbabilityDifference4 = 0.0
    public private(set) var maxProbabilityDifference: Float = 0
    public private(set) var sameTop = 0
    public private(set) var count = 0
    /// Every position's KL divergence and probability change, for the percentiles.
    public private(set) var divergences: [Float] = []
    public private(set) var probabilityDifferences: [Float] = []

    public init() {}

    /// Adds one position: the model's `logits`, the base's stored `row`, the actual next token.
    public mutating func add(logits: UnsafeBufferPointer<Float>, base row: UnsafeBufferPointer<UInt16>, target: Int) {
        let (maxLogit, argmax, logSum) = LogProbabilityRow.logSumExp(logits)
        let (scale, minimum) = LogProbabilityRow.header(row)
        let nll = maxLogit + logSum - logits[target]
        sumNLL += Double(nll)
        sumNLL2 += Double(nll * nll)
        let baseNLL = -(scale * Float(row[4 + target]) + minimum)
        sumBaseNLL += Double(baseNLL)
        sumBaseNLL2 += Double(baseNLL * baseNLL)
        sumNLLTimesBase += Double(nll * baseNLL)

        let logNormaliser = maxLogit + logSum
        var divergence = 0.0
        var baseArgmax = 0
        var baseMax: Float = 0
        for i in 0..<logits.count {
            let baseLogProbability = scale * Float(row[4 + i]) + minimum
            if i == 0 || baseLogProbability > baseMax {
                baseMax = baseLogProbability
                baseArgmax = i
            }
            // Below e^-16 a term is negligible; llama.cpp leaves it out, so does this.
            if baseLogProbability > -16 {
                divergence += Double(expf(baseLogProbability) * (baseLogProbability - logits[i] + logNormaliser))
            }
        }
        sumKLD += divergence
        sumKLD2 += divergence * divergence
        count += 1
        if argmax == baseArgmax { sameTop += 1 }

        let difference = expf(-nll) - expf(-baseNLL)
        sumProbabilityDifference += Double(difference)
        let difference2 = Double(difference * difference)
        sumProbabilityDifference2 += difference2
        sumProbabilityDifference4 += difference2 * difference2
        maxProbabilityDifference = max(maxProbabilityDifference, abs(difference))
        divergences.append(Float(divergence))
        probabilityDifferences.append(difference)
    }

    /// Mean and its standard error (zero for ten values or fewer), as llama-perplexity reports them.
    static func meanAndUncertainty(_ sum: Double, _ sum2: Double, _ count: Int) -> (mean: Double, error: Double) {
        guard count >= 1 else { return (0, 0) }
        let mean = sum / Double(count)
        let variance = sum2 / Double(count) - mean * mean
        return (mean, variance > 0 && count > 10 ? (variance / Double(count - 1)).squareRoot() : 0)
    }

    static func covariance(_ a: Double, _ b: Double, _ ab: Double, _ count: Int) -> Double {
        guard count >= 10 else { return 0 }
        let n = Double(count)
        return (ab / n - (a / n) * (b / n)) / (n - 1)
    }

    public var logPerplexity: (mean: Double, error: Double) { Self.meanAndUncertainty(sumNLL, sumNLL2, count) }
    public var baseLogPerplexity: (mean: Double, error: Double) { Self.meanAndUncertainty(sumBaseNLL, sumBaseNLL2, count) }
    var logPerplexityCovariance: Double { Self.covariance(sumNLL, sumBaseNLL, sumNLLTimesBase, count) }

    public var perplexity: (value: Double, error: Double) {
        let (mean, error) = logPerplexity
        return (exp(mean), exp(mean) * error)
    }

    public var basePerplexity: (value: Double, error: Double) {
        let (mean, error) = baseLogPerplexity
        return (exp(mean), exp(mean) * error)
    }

    /// ln(PPL(Q) / PPL(base)) and its uncertainty, correlation included.
    public var logPerplexityRatio: (value: Double, error: Double) {
        let q = logPerplexity, base = baseLogPerplexity
        return (q.mean - base.mean, (q.error * q.error + base.error * base.error - 2 * logPerplexityCovariance).squareRoot())
    }

    public var meanKLD: (value: Double, error: Double) {
        let (mean, error) = Self.meanAndUncertainty(sumKLD, sumKLD2, count)
        return (mean, error)
    }

    /// Root mean square of the change in the next token's probability.
    public var rmsProbabilityDifference: (value: Double, error: Double) {
        let (mean, error) = Self.meanAndUncertainty(sumProbabilityDifference2, sumProbabilityDifference4, count)
        let rms = mean.squareRoot()
        return (rms, 0.5 / rms * error)
    }

    /// The fraction of positions whose most likely token is the same in both.
    public var sameTopFraction: (value: Double, error: Double) {
        let p = count > 0 ? Double(sameTop) / Double(count) : 0
        return (p, count > 1 ? (p * (1 - p) / Double(count - 1)).squareRoot() : 0)
    }

    /// The value at `fraction` of the sorted `values`, interpolated between neighbours.
    static func percentile(_ sorted: [Float], _ fraction: Float) -> Float {
        if fraction <= 0 { return sorted[0] }
        if fraction >= 1 { return sorted[sorted.count - 1] }
        var p = fraction * Float(sorted.count - 1)
        let index = Int(p)
        p -= Float(index)
        return (1 - p) * sorted[index] + p * sorted[min(index + 1, sorted.count - 1)]
    }

    static func median(_ sorted: [Float]) -> Float {
        let n = sorted.count
        return n % 2 == 0 ? 0.5 * (sorted[n / 2] + sorted[n / 2 - 1]) : sorted[n / 2]
    }
}
