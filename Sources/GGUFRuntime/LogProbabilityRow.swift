#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One position's log-probabilities as llama-perplexity stores them in a KL-divergence base file:
/// two floats (the step and the smallest log-probability kept) in the first four 16-bit words, then
/// one 16-bit step count per vocabulary entry, padded to an even count. Log-probabilities more than
/// 16 below the largest are stored as the smallest; the step is (max - min) / 65535, so a stored
/// log-probability is within half a step (under 1.3e-4) of the computed one.
///
/// The arithmetic follows llama.cpp's: float logits, `expf`, a double sum in vocabulary order, the
/// log of the sum rounded to float. Only then do Parley's numbers and llama.cpp's differ by what
/// the models computed, not by how the statistics were taken.
public enum LogProbabilityRow {
    /// 16-bit words per stored row for a vocabulary of `vocabularySize`.
    public static func wordCount(vocabularySize: Int) -> Int {
        2 * ((vocabularySize + 1) / 2) + 4
    }

    /// The largest logit, the index of its first occurrence, and log(sum(exp(logit - max))).
    static func logSumExp(_ logits: UnsafeBufferPointer<Float>) -> (max: Float, argmax: Int, logSum: Float) {
        var maxLogit = logits[0]
        var argmax = 0
        for i in 1..<logits.count where logits[i] > maxLogit {
            maxLogit = logits[i]
            argmax = i
        }
        var sum = 0.0
        for value in logits {
            sum += Double(expf(value - maxLogit))
        }
        return (maxLogit, argmax, Float(log(sum)))
    }

    /// The negative log-likelihood of `target` under `logits`, as llama-perplexity's plain
    /// perplexity run computes it (the difference taken in double).
    public static func negativeLogLikelihood(_ logits: UnsafeBufferPointer<Float>, target: Int) -> Double {
        var maxLogit = logits[0]
        for value in logits where value > maxLogit { maxLogit = value }
        var sum = 0.0
        for value in logits {
            sum += Double(expf(value - maxLogit))
        }
        return -(Double(logits[target] - maxLogit) - log(sum))
    }

    /// Stores `logits` into `row` (`wordCount` words) and returns the negative log-likelihood of
    /// `target`, as llama-perplexity does when it saves a base file.
    public static func encode(_ logits: UnsafeBufferPointer<Float>, target: Int, into row: UnsafeMutableBufferPointer<UInt16>) -> Double {
        let (maxLogit, _, logSum) = logSumExp(logits)
        var minLogit = logits[0]
        for value in logits where value < minLogit { minLogit = value }
        minLogit = max(minLogit, maxLogit - 16)
        let minLogProbability = minLogit - maxLogit - logSum
        let scale = (maxLogit - minLogit) / 65535
        for i in row.indices { row[i] = 0 }
        storeFloat(scale, into: row, at: 0)
        storeFloat(minLogProbability, into: row, at: 2)
        if scale != 0 {
            let inverse = 1 / scale
            for (i, value) in logits.enumerated() where value > minLogit {
                // Round to nearest, ties to even, as llama.cpp's nearest_int; kept to 16 bits as its store.
                row[4 + i] = UInt16(truncatingIfNeeded: Int32((inverse * (value - minLogit)).rounded(.toNearestOrEven)))
            }
        }
        return Double(maxLogit + logSum - logits[target])
    }

    /// The step and the smallest log-probability of a stored row.
    public static func header(_ row: UnsafeBufferPointer<UInt16>) -> (scale: Float, minLogProbability: Float) {
        (loadFloat(row, at: 0), loadFloat(row, at: 2))
    }

    /// The log-probability of entry `index` of a stored row.
    public static func logProbability(_ row: UnsafeBufferPointer<UInt16>, index: Int) -> Float {
        let (scale, minimum) = header(row)
        return scale * Float(row[4 + index]) + minimum
    }

    private static func storeFloat(_ value: Float, into row: UnsafeMutableBufferPointer<UInt16>, at index: Int) {
        let bits = value.bitPattern
        row[index] = UInt16(truncatingIfNeeded: bits)
        row[index + 1] = UInt16(truncatingIfNeeded: bits >> 16)
    }

    private static func loadFloat(_ row: UnsafeBufferPointer<UInt16>, at index: Int) -> Float {
        Float(bitPattern: UInt32(row[index]) | UInt32(row[index + 1]) << 16)
    }
}
