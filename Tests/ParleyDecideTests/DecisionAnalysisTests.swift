import ParleyCore
import Testing

@testable import ParleyDecide

/// The program's arithmetic, with exact expected values.
@Suite("decision arithmetic")
struct DecisionAnalysisTests {
    static func criterion(_ name: String, _ weight: Int) -> DecisionCriterion {
        DecisionCriterion(name: name, weight: weight, givenBy: .user)
    }

    static func score(_ option: String, _ criterion: String, _ value: Int) -> DecisionScore {
        DecisionScore(option: option, criterion: criterion, value: value, givenBy: .user)
    }

    /// Berlin 7 and 6, London 3 and 8, on Cost (weight 4) and Career (weight 5).
    static let berlinLondon = DecisionAnalysis(
        options: ["Berlin", "London"], criteria: [criterion("Cost", 4), criterion("Career", 5)],
        scores: [score("Berlin", "Cost", 7), score("Berlin", "Career", 6), score("London", "Cost", 3), score("London", "Career", 8)])

    @Test func weightedTotalsAreExactFractions() {
        let totals = Self.berlinLondon.totals
        #expect(totals.map(\.weightedSum) == [58, 52])
        #expect(totals.map(\.scoredWeight) == [9, 9])
        #expect(totals[0].total == 58.0 / 9.0)
        #expect(totals[1].total == 52.0 / 9.0)
        #expect(Self.berlinLondon.ranking == [
            RankEntry(rank: 1, option: "Berlin", total: 58.0 / 9.0, tied: false),
            RankEntry(rank: 2, option: "London", total: 52.0 / 9.0, tied: false),
        ])
        #expect(Self.berlinLondon.winner == "Berlin")
        #expect(Self.berlinLondon.missing.isEmpty)
        // 1×1 + 2×2 over 1 + 2: a repeating fraction, still the exact quotient.
        let thirds = DecisionAnalysis(
            options: ["A"], criteria: [Self.criterion("x", 1), Self.criterion("y", 2)],
            scores: [Self.score("A", "x", 1), Self.score("A", "y", 2)])
        #expect(thirds.totals[0].total == 5.0 / 3.0)
    }

    @Test func theSmallestFlipPrefersAWeightAtEqualSteps() {
        // No one-point change flips it; at two points both the Cost weight (4 → 2) and London's
        // Career score (8 → 10) would: the weight is reported.
        #expect(Self.berlinLondon.sensitivity == Sensitivity(status: .flips, change: SensitivityChange(
            kind: .weight, option: nil, criterion: "Cost", from: 4, to: 2, winner: "Berlin", newWinner: "London")))
        #expect(DecisionReport.sensitivitySentence(Self.berlinLondon)
            == "Closest call: if the weight of 'Cost' went from 4 to 2, 'London' would move ahead of 'Berlin'.")
    }

    @Test func aOnePointScoreChangeIsFoundBeforeLargerWeightChanges() {
        // A has only Cost (7); B has Cost 5 and Career 9: B = (4×5 + 5×9) / 9 = 65/9.
        let analysis = DecisionAnalysis(
            options: ["A", "B"], criteria: [Self.criterion("Cost", 4), Self.criterion("Career", 5)],
            scores: [Self.score("A", "Cost", 7), Self.score("B", "Cost", 5), Self.score("B", "Career", 9)])
        #expect(analysis.totals.map(\.total) == [7.0, 65.0 / 9.0])
        #expect(analysis.totals[0].missingCriteria == ["Career"])
        #expect(analysis.missing == [MissingCell(option: "A", criterion: "Career")])
        #expect(analysis.winner == "B")
        // Cost 4 → 5 and Career 5 → 4 only tie (7 = 7), which is not a flip; A's Cost 7 → 8 is.
        #expect(analysis.sensitivity == Sensitivity(status: .flips, change: SensitivityChange(
            kind: .score, option: "A", criterion: "Cost", from: 7, to: 8, winner: "B", newWinner: "A")))
        #expect(DecisionReport.sensitivitySentence(analysis)
            == "Closest call: if 'A' scored 8 instead of 7 on 'Cost', 'A' would move ahead of 'B'.")
    }

    @Test func tiesShareARankAndKeepTheirOrder() {
        // X = (2×5 + 3×5)/5 = 5; Y = (2×8 + 3×3)/5 = 5; Z = (2×1 + 3×1)/5 = 1.
        let analysis = DecisionAnalysis(
            options: ["Z", "X", "Y"], criteria: [Self.criterion("a", 2), Self.criterion("b", 3)],
            scores: [Self.score("X", "a", 5), Self.score("X", "b", 5), Self.score("Y", "a", 8), Self.score("Y", "b", 3),
                     Self.score("Z", "a", 1), Self.score("Z", "b", 1)])
        #expect(analysis.ranking == [
            RankEntry(rank: 1, option: "X", total: 5, tied: true),
            RankEntry(rank: 1, option: "Y", total: 5, tied: true),
            RankEntry(rank: 3, option: "Z", total: 1, tied: false),
        ])
        #expect(analysis.winner == nil)
        #expect(analysis.sensitivity == Sensitivity(status: .noWinner))
        #expect(DecisionReport.sensitivitySentence(analysis) == "No single winner: 'X' and 'Y' are tied at the top.")
    }

    @Test func aClearWinnerCanBeRobust() {
        let analysis = DecisionAnalysis(
            options: ["Best", "Worst"], criteria: [Self.criterion("a", 3), Self.criterion("b", 3)],
            scores: [Self.score("Best", "a", 10), Self.score("Best", "b", 10), Self.score("Worst", "a", 1), Self.score("Worst", "b", 1)])
        #expect(analysis.totals.map(\.total) == [10, 1])
        #expect(analysis.sensitivity == Sensitivity(status: .robust))
    }

    @Test func unscoredOptionsHaveNoTotalAndNoRank() {
        let empty = DecisionAnalysis(options: ["A", "B"], criteria: [Self.criterion("c", 2)], scores: [])
        #expect(empty.totals.map(\.total) == [nil, nil])
        #expect(empty.ranking.isEmpty)
        #expect(empty.missing.count == 2)
        #expect(empty.sensitivity == Sensitivity(status: .noWinner))
        let one = DecisionAnalysis(options: ["A", "B"], criteria: [Self.criterion("c", 2)], scores: [Self.score("a", "C", 4)])
        #expect(one.totals.map(\.total) == [4, nil])
        #expect(one.ranking.map(\.option) == ["A"])
        #expect(one.sensitivity.status == .noWinner)
    }

    @Test func scoresForUnknownNamesAreIgnored() {
        let analysis = DecisionAnalysis(
            options: ["A"], criteria: [Self.criterion("c", 2)], scores: [Self.score("Gone", "c", 9), Self.score("A", "c", 3)])
        #expect(analysis.totals.map(\.total) == [3])
    }
}
