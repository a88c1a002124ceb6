import Foundation
import ParleyCore
import ParleyStore
import ParleyTestSupport
import Testing

@testable import ParleyDecide

/// The record: JSON round trip, the committed schema-1 file, the store, and user edits.
@Suite("decision record")
struct DecisionRecordTests {
    static func sample() throws -> DecisionRecord {
        var record = DecisionRecord(
            id: "20261129-120000-abcdef", question: "Rent or buy?", reasoning: "Renting is flexible.\nBuying builds equity.",
            recommendation: "Rent for two more years.", notes: ["no pros or cons could be read for 'Buy'"],
            createdAt: Date(timeIntervalSince1970: 1_795_000_000.5), conversationID: "20261129-120000-zzzzzz",
            backend: "local", model: "SmolLM2")
        try record.addOption("Rent", givenBy: .user)
        try record.addOption("Buy", givenBy: .model)
        record.options[0].pros = ["flexible"]
        record.options[0].cons = ["no equity", "rent rises"]
        try record.setCriterion("Cost", weight: 5, givenBy: .user)
        try record.setCriterion("Freedom", weight: nil, givenBy: .user)
        try record.setScore(option: "Rent", criterion: "Cost", value: 6, givenBy: .model)
        try record.setScore(option: "buy", criterion: "COST", value: 7, givenBy: .user)
        try record.setOutcome("Rented; glad I did.", date: Date(timeIntervalSince1970: 1_800_000_000))
        return record
    }

    @Test func jsonRoundTripIsExact() throws {
        let record = try Self.sample()
        let data = try ParleyJSON.encoder().encode(record)
        let decoded = try ParleyJSON.decoder().decode(DecisionRecord.self, from: data)
        #expect(decoded == record)
        #expect(try ParleyJSON.encoder().encode(decoded) == data)
        // Names are stored as the record spells them, not as an edit typed them.
        #expect(decoded.scores.map(\.option) == ["Rent", "Buy"])
        #expect(decoded.criteria[1] == DecisionCriterion(name: "Freedom", weight: 3, givenBy: .assumed))
        // The derived part is written for readers of the file.
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let totals = try #require(object["totals"] as? [[String: Any]])
        #expect(totals.map { $0["total"] as? Double } == [6, 7])
        #expect((object["ranking"] as? [[String: Any]])?.first?["option"] as? String == "Buy")
        #expect((object["sensitivity"] as? [String: Any])?["status"] as? String == "flips")
    }

    /// The file says `conversationID`, as records did before every key took the `Id` spelling; it
    /// is read, and written back as `conversationId` with nothing else changed.
    @Test func theCommittedSchema1FileLoadsAndReencodesWithTheCamelCaseKey() throws {
        let data = try Fixture.data("decision-schema-1.json")
        let record = try ParleyJSON.decoder().decode(DecisionRecord.self, from: data)
        #expect(record.schemaVersion == 1)
        #expect(record.question == "Bus or bike to work?")
        #expect(record.options.map(\.name) == ["Bus", "Bike"])
        #expect(record.criteria.map(\.weight) == [2, 5, 3])
        #expect(record.recommendation == "Bike, unless it rains a lot.")
        #expect(record.outcome?.text == "Cycled for a month; faster and cheaper.")
        #expect(record.conversationID == "20261129-014800-abcdef")
        // Bus (2×4 + 5×5 + 3×7)/10 = 54/10; Bike (2×9 + 5×8)/7 = 58/7.
        #expect(record.analysis.totals.map(\.total) == [5.4, 58.0 / 7.0])
        var encoded = try ParleyJSON.encoder().encode(record)
        encoded.append(0x0A)
        var expected = data
        if expected.last != 0x0A { expected.append(0x0A) }
        #expect(String(decoding: expected, as: UTF8.self).contains("\"conversationID\" : "))
        let renamed = String(decoding: expected, as: UTF8.self).replacingOccurrences(of: "\"conversationID\" : ", with: "\"conversationId\" : ")
        #expect(String(decoding: encoded, as: UTF8.self) == renamed)
        // Read back in its new spelling, the same record.
        #expect(try ParleyJSON.decoder().decode(DecisionRecord.self, from: encoded).conversationID == "20261129-014800-abcdef")
    }

    @Test func derivedFieldsInAFileAreIgnoredOnLoad() throws {
        var text = String(decoding: try Fixture.data("decision-schema-1.json"), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"total\" : 5.4", with: "\"total\" : 9.9")
        let record = try ParleyJSON.decoder().decode(DecisionRecord.self, from: Data(text.utf8))
        #expect(record.analysis.totals[0].total == 5.4)
    }

    @Test func theDocumentStoreKeepsRecordsUnderDecisions() throws {
        let directory = try StoreTemporaryDirectory("decisions")
        defer { directory.remove() }
        let store = try DecisionRecord.store(root: directory.url, diagnostics: { _ in })
        let record = try Self.sample()
        try store.create(record)
        let file = directory.url.appendingPathComponent("decisions/\(record.id).json")
        #expect(FileManager.default.fileExists(atPath: file.path))
        #expect(try store.load(id: store.resolve("20261129-120000")) == record)
        let updated = try store.update(id: record.id) { try $0.setScore(option: "Rent", criterion: "Freedom", value: 9, givenBy: .user) }
        #expect(updated.analysis.totals[0].weightedSum == 5 * 6 + 3 * 9)
        #expect(try store.list().map(\.id) == [record.id])
    }

    @Test func editsApplyAllOrNothing() throws {
        var record = try Self.sample()
        let before = record
        let bad = DecisionEdits(addOptions: ["Lease"], scores: ["Lease:Cost=4", "Rent:Cost=12"])
        #expect(throws: DecisionEditError.scoreOutOfRange(option: "Rent", criterion: "Cost", value: 12)) { try bad.apply(to: &record) }
        #expect(record == before)
        #expect(throws: DecisionEditError.unknownOption("Flat", known: ["Rent", "Buy"])) {
            try DecisionEdits(scores: ["Flat:Cost=3"]).apply(to: &record)
        }
        #expect(throws: DecisionEdits.Malformed.self) { try DecisionEdits(scores: ["Rent-Cost=3"]).apply(to: &record) }
        #expect(throws: DecisionEdits.Malformed.self) { try DecisionEdits(scores: ["Rent:Cost=high"]).apply(to: &record) }
        #expect(throws: DecisionEdits.Malformed.self) { try DecisionEdits(criteria: ["Cost:heavy"]).apply(to: &record) }
        #expect(throws: DecisionEditError.weightOutOfRange(criterion: "Cost", weight: 6)) {
            try DecisionEdits(criteria: ["Cost:6"]).apply(to: &record)
        }
        #expect(record == before)

        // Names with colons, case-insensitive matches, removals taking their scores along.
        try DecisionEdits(
            addOptions: ["Plan: B"], criteria: ["freedom:4", "Risk:1"], scores: ["Plan: B:Cost=3", "rent:RISK=2"],
            removeOptions: ["buy"]
        ).apply(to: &record)
        #expect(record.options.map(\.name) == ["Rent", "Plan: B"])
        #expect(record.criteria == [
            DecisionCriterion(name: "Cost", weight: 5, givenBy: .user), DecisionCriterion(name: "Freedom", weight: 4, givenBy: .user),
            DecisionCriterion(name: "Risk", weight: 1, givenBy: .user),
        ])
        #expect(record.scores.map { "\($0.option)/\($0.criterion)=\($0.value)" } == ["Rent/Cost=6", "Plan: B/Cost=3", "Rent/Risk=2"])
        #expect(record.orderedScores.map { "\($0.option)/\($0.criterion)" } == ["Rent/Cost", "Rent/Risk", "Plan: B/Cost"])
        // The note about the removed option went with it.
        #expect(record.notes.isEmpty)
        try DecisionEdits(removeCriteria: ["COST"], removeScores: ["Rent:Risk"]).apply(to: &record)
        #expect(record.scores.isEmpty)
        #expect(record.criteria.map(\.name) == ["Freedom", "Risk"])
    }

    @Test func markdownExportHasTheTableAndEverythingElse() throws {
        let markdown = DecisionReport.markdown(try Self.sample())
        #expect(markdown.hasPrefix("# Decision: Rent or buy?\n"))
        #expect(markdown.contains("| Option | Cost (weight 5) | Freedom (weight 3) | Total | Rank |\n|---|---:|---:|---:|---:|\n"))
        #expect(markdown.contains("| Rent | 6 | – | 6.00 | 2 |\n| Buy | 7 | – | 7.00 | 1 |\n"))
        #expect(markdown.contains("## Sensitivity\n\nClosest call: if 'Rent' scored 8 instead of 6 on 'Cost', 'Rent' would move ahead of 'Buy'."))
        #expect(markdown.contains("### Rent\n\n- Pro: flexible\n- Con: no equity\n- Con: rent rises\n"))
        #expect(markdown.contains("## Reasoning\n\nRenting is flexible.\nBuying builds equity.\n"))
        // The recommendation is the ranking's; the model's line is its comment.
        #expect(markdown.contains("## Recommendation\n\nBuy (highest weighted total).\n\nThe model's comment: Rent for two more years.\n"))
        #expect(markdown.contains("## Outcome\n\n2027-01-15: Rented; glad I did.\n"))
        #expect(markdown.contains("- the weight of 'Freedom' is assumed to be 3 (neutral)\n"))
        #expect(markdown.contains("- no score for 'Rent' on 'Freedom'\n"))
    }
}
