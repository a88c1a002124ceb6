import Foundation
import ParleyCore
import ParleyTestSupport
import Testing
@testable import ParleyDecide

/// Decision files are outside input once on disk (hand edits, other versions): mutated records
/// decode to a record whose report and arithmetic work, or fail to decode; never a crash.
@Suite("Decision JSON fuzz")
struct DecisionRecordFuzzTests {
    @Test func mutatedRecordsDecodeToAWorkingRecordOrFail() async throws {
        let example = try Fixture.text("decision-schema-1.json")
        let tokens = [
            "{", "}", "[", "]", "\"", ",", ":", "null", "-1", "0", "99999999999999999999", "9223372036854775807",
            "-9223372036854775808", "1e308", "\"\\ud800\"", "[]", "{}", "\"Bike\"", "\"Cost\"", "\"weight\" : ", "\"value\" : ",
        ]
        let decoded = await OwnThread.run {
            var mutator = FuzzMutator(examples: [example], tokens: tokens, seed: 0xDEC1_5)
            var decoded = 0
            for _ in 0..<2000 {
                guard let record = try? ParleyJSON.decoder().decode(DecisionRecord.self, from: Data(mutator.next())) else { continue }
                decoded += 1
                _ = DecisionReport.text(record)
                _ = DecisionReport.markdown(record)
                _ = try? ParleyJSON.encoder().encode(record)
            }
            return decoded
        }
        #expect(decoded > 0)
    }
}
