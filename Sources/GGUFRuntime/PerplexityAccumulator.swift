#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Perplexity as llama-perplexity computes it: e to the mean negative log-likelihood of the
/// scored tokens, with the standard error of that mean carried through ("PPL = x +/- y").
public struct PerplexityAccumulator: Sendable, Equatable {
    public private(set) var sumNLL = 0.0
    public private(set) var sumNLL2 = 0.0
    public private(set) var count = 0

    public init() {}

    public mutating func add(negativeLogLikelihood nll: Double) {
        sumNLL += nll
        sumNLL2 += nll * nll
        count += 1
    }

    /// e^(mean NLL): the figure llama-perplexity prints after every chunk.
    public var perplexity: Double { count > 0 ? exp(sumNLL / Double(count)) : .nan }

    /// The estimate and its uncertainty, or nil when the variance came out negative (llama.cpp
    /// reports that as an error rather than a figure).
    public var estimate: (value: Double, error: Double)? {
        guard count > 1 else { return nil }
        let mean = sumNLL / Double(count)
        let variance = sumNLL2 / Double(count) - mean * mean
        guard variance > 0 else { return nil }
        let ppl = exp(mean)
        return (ppl, (variance / Double(count - 1)).squareRoot() * ppl)
    }

    /// llama-perplexity's running figure after chunk `chunk` (1-based): `[3]12.3456,`.
    public func chunkText(_ chunk: Int) -> String {
        CFormat.string("[%d]%.4lf,", Int32(chunk), perplexity)
    }

    /// Its closing line.
    public var finalText: String {
        guard let (value, error) = estimate else { return "Unexpected negative standard deviation of log(prob)" }
        return CFormat.string("Final estimate: PPL = %.4lf +/- %.5lf", value, error)
    }
}
