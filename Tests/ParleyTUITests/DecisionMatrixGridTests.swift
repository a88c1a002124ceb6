import ParleyDecide
import Testing

@testable import ParleyTUI

/// The decision matrix as a grid: columns by criterion with weights, totals last, long names cut,
/// partial totals starred, and no grid when the columns do not fit.
@Suite("Decision matrix grid")
struct DecisionMatrixGridTests {
    @Test func optionsAreRowsCriteriaColumnsAndTheTotalIsTheProgramsArithmetic() throws {
        let record = SidePanelTests.record()
        let lines = try #require(DecisionMatrixGrid.lines(record, analysis: record.analysis, width: 40)).map(\.plainText)
        #expect(lines == [
            "       price battery  total",
            "weight    ×3      ×1",
            "Alpha      4       9   5.25",
            "Beta       8       ?  8.00*",
            "* over the criteria scored so far",
        ])
    }

    @Test func noGridWhenTheColumnsDoNotFit() {
        var record = SidePanelTests.record()
        for name in ["comfort", "weight", "support", "screen"] {
            try? record.setCriterion(name, weight: 2, givenBy: .user)
        }
        #expect(DecisionMatrixGrid.lines(record, analysis: record.analysis, width: 40) == nil)
        #expect(DecisionMatrixGrid.lines(record, analysis: record.analysis, width: 70) != nil)
        // The panel then lists the scores by criterion instead.
        let listed = DecisionPanelView.lines(DecisionPanel(record: record), width: 40).map(\.plainText)
        #expect(listed.contains(" price ×3") && listed.contains("   Beta: 8"))
    }

    @Test func longNamesAreCutByDisplayWidth() throws {
        let record = DecisionRecord(
            id: "d2", question: "Where to live?",
            options: [DecisionOption(name: "A flat in the old town by the river", givenBy: .user), DecisionOption(name: "郊外的房子有花园", givenBy: .user)],
            criteria: [DecisionCriterion(name: "commute time to the office", weight: 5, givenBy: .user)],
            scores: [DecisionScore(option: "郊外的房子有花园", criterion: "commute time to the office", value: 3, givenBy: .user)])
        let lines = try #require(DecisionMatrixGrid.lines(record, analysis: record.analysis, width: 40))
        #expect(lines[0].plainText == "                   commute tim…  total")
        #expect(lines[2].plainText == "A flat in the old…            ?      -")
        #expect(lines[3].plainText == "郊外的房子有花园              3   3.00")
        #expect(lines.allSatisfy { $0.width <= 40 })
    }
}
