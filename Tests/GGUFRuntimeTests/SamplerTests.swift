import Testing
@testable import GGUFRuntime

@Suite struct SamplerTests {
    static let logits: [Float] = [0.5, 3, 2.9, -1, 1, 2.95, 0]

    @Test func greedyPicksTheLargestLogitFirstOnTies() {
        var sampler = Sampler(.greedy)
        #expect(sampler.sample(logits: Self.logits, history: []) == 1)
        #expect(sampler.sample(logits: [1, 4, 4, 2], history: []) == 1)
    }

    @Test func sameSeedSameTokensDifferentSeedDifferentTokens() {
        let parameters = SamplingParameters(temperature: 1.5, topK: 0, topP: 1, minP: 0, seed: 42)
        func draw(_ p: SamplingParameters) -> [Int32] {
            var sampler = Sampler(p)
            return (0..<200).map { _ in sampler.sample(logits: Self.logits, history: []) }
        }
        let first = draw(parameters)
        #expect(first == draw(parameters))
        var other = parameters
        other.seed = 43
        #expect(first != draw(other))
        #expect(Set(first).count > 3)
    }

    @Test func topKAndMinPRestrictTheCandidates() {
        var topTwo = Sampler(SamplingParameters(temperature: 5, topK: 2, topP: 1, minP: 0, seed: 1))
        let drawn = Set((0..<300).map { _ in topTwo.sample(logits: Self.logits, history: []) })
        #expect(drawn == [1, 5])
        // min-p 0.5: only tokens at least half as likely as the best (logits within ln 2 of 3).
        var minP = Sampler(SamplingParameters(temperature: 5, topK: 0, topP: 1, minP: 0.5, seed: 1))
        let kept = Set((0..<300).map { _ in minP.sample(logits: Self.logits, history: []) })
        #expect(kept == [1, 2, 5])
    }

    @Test func topPKeepsTheSmallestSufficientSet() {
        // Probabilities about 0.58, 0.21, 0.21: p = 0.5 keeps only the first.
        var sampler = Sampler(SamplingParameters(temperature: 1, topK: 0, topP: 0.5, minP: 0, seed: 3))
        let drawn = Set((0..<100).map { _ in sampler.sample(logits: [2, 1, 1], history: []) })
        #expect(drawn == [0])
    }

    @Test func maskedLogitsAreNeverPicked() {
        // Grammar masks: most tokens -infinity. Whatever the settings, only finite ones come out,
        // and greedy picks the best finite one.
        var logits = [Float](repeating: -.infinity, count: 1000)
        for (i, value) in [(3, 0.5), (500, 2.0), (999, 1.9)] as [(Int, Float)] { logits[i] = value }
        let settings = [
            SamplingParameters(temperature: 2, topK: 0, topP: 1, minP: 0, repetitionPenalty: 1.3, seed: 7),
            SamplingParameters(temperature: 1, topK: 40, topP: 0.95, minP: 0.05, seed: 8),
            SamplingParameters(temperature: 5, topK: 2, topP: 1, minP: 0, seed: 9),
        ]
        for parameters in settings {
            var sampler = Sampler(parameters)
            let drawn = Set((0..<300).map { _ in sampler.sample(maskedLogits: logits, history: [500, 3]) })
            #expect(drawn.isSubset(of: [3, 500, 999]) && !drawn.isEmpty)
        }
        var greedy = Sampler(.greedy)
        #expect(greedy.isGreedy && greedy.sample(maskedLogits: logits, history: []) == 500)
        #expect(!Sampler(SamplingParameters(temperature: 0.8)).isGreedy)
    }

    @Test func repetitionPenaltyDemotesSeenTokens() {
        var plain = Sampler(.greedy)
        #expect(plain.sample(logits: Self.logits, history: [1]) == 1)
        var penalised = Sampler(SamplingParameters(temperature: 0, topK: 0, topP: 1, minP: 0, repetitionPenalty: 1.5))
        #expect(penalised.sample(logits: Self.logits, history: [1]) == 5)
        #expect(penalised.sample(logits: Self.logits, history: [1, 5]) == 2)
    }
}
