#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text llama-perplexity prints for `--kl-divergence`: a line per chunk, then the perplexity,
/// KL-divergence and token-probability statistics, in its layout, so both can be read side by side.
public enum KLDivergenceReport {
    public static let chunkHeader =
        "chunk             PPL               ln(PPL(Q)/PPL(base))          KL Divergence              Δp RMS            Same top p"

    /// The running figures after chunk `chunk` (1-based).
    public static func chunkLine(_ chunk: Int, _ s: KLDivergenceAccumulator) -> String {
        let ppl = s.perplexity, ratio = s.logPerplexityRatio, kld = s.meanKLD
        let rms = s.rmsProbabilityDifference, top = s.sameTopFraction
        return CFormat.string("%4d", Int32(chunk))
            + CFormat.string("    %9.4lf ± %9.4lf", ppl.value, ppl.error)
            + CFormat.string("    %10.5lf ± %10.5lf", ratio.value, ratio.error)
            + CFormat.string("    %10.5lf ± %10.5lf", kld.value, kld.error)
            + CFormat.string("    %6.3lf ± %6.3lf %%", 100 * rms.value, 100 * rms.error)
            + CFormat.string("    %6.3lf ± %6.3lf %%", 100 * top.value, 100 * top.error)
    }

    /// The closing statistics; nil below 100 positions (llama-perplexity prints none then either).
    public static func summary(_ s: KLDivergenceAccumulator) -> String? {
        guard s.count >= 100 else { return nil }
        typealias A = KLDivergenceAccumulator
        let divergences = s.divergences.sorted()
        let differences = s.probabilityDifferences.sorted()
        let ppl = s.perplexity, base = s.basePerplexity
        let q = s.logPerplexity, b = s.baseLogPerplexity
        let covariance = A.covariance(s.sumNLL, s.sumBaseNLL, s.sumNLLTimesBase, s.count)
        let ratio = s.logPerplexityRatio
        let pplRatio = (exp(ratio.value), exp(ratio.value) * ratio.error)
        let pplCovariance = ppl.value * base.value * covariance
        let difference = (ppl.value - base.value,
                          (ppl.error * ppl.error + base.error * base.error - 2 * pplCovariance).squareRoot())
        var out = "====== Perplexity statistics ======\n"
        out += CFormat.string("Mean PPL(Q)                   : %10.6lf ± %10.6lf\n", ppl.value, ppl.error)
        out += CFormat.string("Mean PPL(base)                : %10.6lf ± %10.6lf\n", base.value, base.error)
        out += CFormat.string("Cor(ln(PPL(Q)), ln(PPL(base))): %6.2lf%%\n", 100 * covariance / (q.error * b.error))
        out += CFormat.string("Mean ln(PPL(Q)/PPL(base))     : %10.6lf ± %10.6lf\n", ratio.value, ratio.error)
        out += CFormat.string("Mean PPL(Q)/PPL(base)         : %10.6lf ± %10.6lf\n", pplRatio.0, pplRatio.1)
        out += CFormat.string("Mean PPL(Q)-PPL(base)         : %10.6lf ± %10.6lf\n", difference.0, difference.1)
        out += "\n====== KL divergence statistics ======\n"
        let kld = s.meanKLD
        out += CFormat.string("Mean    KLD: %10.6lf ± %10.6lf\n", kld.value, kld.error)
        let kldRows: [(String, Float)] = [
            ("Maximum KLD", divergences[divergences.count - 1]),
            ("99.9%   KLD", A.percentile(divergences, 0.999)), ("99.0%   KLD", A.percentile(divergences, 0.99)),
            ("95.0%   KLD", A.percentile(divergences, 0.95)), ("90.0%   KLD", A.percentile(divergences, 0.9)),
            ("Median  KLD", A.median(divergences)),
            ("10.0%   KLD", A.percentile(divergences, 0.1)), (" 5.0%   KLD", A.percentile(divergences, 0.05)),
            (" 1.0%   KLD", A.percentile(divergences, 0.01)), (" 0.1%   KLD", A.percentile(divergences, 0.001)),
            ("Minimum KLD", divergences[0]),
        ]
        for (label, value) in kldRows { out += label + CFormat.string(": %10.6f\n", Double(value)) }
        out += "\n====== Token probability statistics ======\n"
        let meanDifference = A.meanAndUncertainty(s.sumProbabilityDifference, s.sumProbabilityDifference2, s.count)
        out += CFormat.string("Mean    Δp: %6.3lf ± %5.3lf %%\n", 100 * meanDifference.mean, 100 * meanDifference.error)
        let differenceRows: [(String, Float)] = [
            ("Maximum Δp", differences[differences.count - 1]),
            ("99.9%   Δp", A.percentile(differences, 0.999)), ("99.0%   Δp", A.percentile(differences, 0.99)),
            ("95.0%   Δp", A.percentile(differences, 0.95)), ("90.0%   Δp", A.percentile(differences, 0.9)),
            ("75.0%   Δp", A.percentile(differences, 0.75)), ("Median  Δp", A.median(differences)),
            ("25.0%   Δp", A.percentile(differences, 0.25)), ("10.0%   Δp", A.percentile(differences, 0.1)),
            (" 5.0%   Δp", A.percentile(differences, 0.05)), (" 1.0%   Δp", A.percentile(differences, 0.01)),
            (" 0.1%   Δp", A.percentile(differences, 0.001)), ("Minimum Δp", differences[0]),
        ]
        for (label, value) in differenceRows { out += label + CFormat.string(": %6.3lf%%\n", 100 * Double(value)) }
        let rms = s.rmsProbabilityDifference, top = s.sameTopFraction
        out += CFormat.string("RMS Δp    : %6.3lf ± %5.3lf %%\n", 100 * rms.value, 100 * rms.error)
        out += CFormat.string("Same top p: %6.3lf ± %5.3lf %%\n", 100 * top.value, 100 * top.error)
        return out
    }
}
