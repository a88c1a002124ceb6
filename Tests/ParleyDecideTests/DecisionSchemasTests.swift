import Foundation
import StructuredOutput
import Testing

@testable import ParleyDecide

/// The flow's schemas accept the answers they ask for and reject the ones a small model would slip
/// into; each also compiles to a grammar, which is what constrains the local model.
@Suite("decision schemas")
struct DecisionSchemasTests {
    static func violations(_ schema: JSONValue?, _ instance: String) throws -> Int {
        let compiled = try JSONSchema(parsing: try #require(schema).serialized)
        return compiled.validate(try JSONValue.parse(instance)).count
    }

    @Test func setupAsksOnlyForWhatIsMissing() throws {
        let all = DecisionSchemas.setup(options: 2...3, criteria: 2...4, weightsFor: ["Time"])
        #expect(try Self.violations(all, #"{"options": ["Train", "Fly"], "criteria": [{"name": "Cost", "weight": 4}, {"name": "Time", "weight": 5}], "weights": {"Time": 2}}"#) == 0)
        // Too few or too many options, a weight out of range, a missing weight, a name too long.
        #expect(try Self.violations(all, #"{"options": ["Train"], "criteria": [{"name": "Cost", "weight": 4}, {"name": "Time", "weight": 5}], "weights": {"Time": 2}}"#) > 0)
        #expect(try Self.violations(all, #"{"options": ["A", "B", "C", "D"], "criteria": [{"name": "Cost", "weight": 4}, {"name": "Time", "weight": 5}], "weights": {"Time": 2}}"#) > 0)
        #expect(try Self.violations(all, #"{"options": ["A", "B"], "criteria": [{"name": "Cost", "weight": 6}, {"name": "Time", "weight": 5}], "weights": {"Time": 2}}"#) > 0)
        #expect(try Self.violations(all, #"{"options": ["A", "B"], "criteria": [{"name": "Cost"}, {"name": "Time", "weight": 5}], "weights": {"Time": 2}}"#) > 0)
        #expect(try Self.violations(all, #"{"options": ["A", "B"], "criteria": [{"name": "Cost", "weight": 1}, {"name": "Time", "weight": 5}], "weights": {}}"#) > 0)
        let long = String(repeating: "x", count: DecisionSchemas.optionNameLength + 1)
        #expect(try Self.violations(all, #"{"options": ["A", "\#(long)"], "criteria": [{"name": "Cost", "weight": 1}, {"name": "Time", "weight": 5}], "weights": {"Time": 2}}"#) > 0)
        // Only weights: nothing else may be written.
        let weights = DecisionSchemas.setup(options: nil, criteria: nil, weightsFor: ["Time", "Fun"])
        #expect(try Self.violations(weights, #"{"weights": {"Time": 3, "Fun": 1}}"#) == 0)
        #expect(try Self.violations(weights, #"{"weights": {"Time": 3}}"#) > 0)
        #expect(try Self.violations(weights, #"{"weights": {"Time": 3, "Fun": 1}, "options": ["A", "B"]}"#) > 0)
        #expect(DecisionSchemas.setup(options: nil, criteria: nil, weightsFor: []) == Optional<JSONValue>.none)
    }

    @Test func anOptionsAnswerHasEveryCellWithTheReasonFirst() throws {
        let schema = DecisionSchemas.option(prosAndCons: true, criteria: ["Cost", "Time"])
        let good = #"{"pros": ["fast"], "cons": ["loud"], "scores": {"Cost": {"reason": "cheap fares", "score": 7}, "Time": {"reason": "two hours", "score": 9}}}"#
        #expect(try Self.violations(schema, good) == 0)
        // Scores run 0-10: a zero is a score, below it is not.
        #expect(try Self.violations(schema, #"{"pros": ["fast"], "cons": ["loud"], "scores": {"Cost": {"reason": "x", "score": 0}, "Time": {"reason": "y", "score": 10}}}"#) == 0)
        #expect(try Self.violations(schema, #"{"pros": ["fast"], "cons": ["loud"], "scores": {"Cost": {"reason": "x", "score": -1}, "Time": {"reason": "y", "score": 9}}}"#) > 0)
        // A missing cell, an invented criterion, a score out of range, no reason, no pros, two pros.
        #expect(try Self.violations(schema, #"{"pros": ["fast"], "cons": ["loud"], "scores": {"Cost": {"reason": "x", "score": 7}}}"#) > 0)
        #expect(try Self.violations(schema, #"{"pros": ["fast"], "cons": ["loud"], "scores": {"Cost": {"reason": "x", "score": 7}, "Time": {"reason": "y", "score": 9}, "Fun": {"reason": "z", "score": 1}}}"#) > 0)
        #expect(try Self.violations(schema, #"{"pros": ["fast"], "cons": ["loud"], "scores": {"Cost": {"reason": "x", "score": 11}, "Time": {"reason": "y", "score": 9}}}"#) > 0)
        #expect(try Self.violations(schema, #"{"pros": ["fast"], "cons": ["loud"], "scores": {"Cost": {"score": 7}, "Time": {"reason": "y", "score": 9}}}"#) > 0)
        #expect(try Self.violations(schema, #"{"pros": [], "cons": ["loud"], "scores": {"Cost": {"reason": "x", "score": 7}, "Time": {"reason": "y", "score": 9}}}"#) > 0)
        #expect(try Self.violations(schema, #"{"pros": ["a", "b"], "cons": ["loud"], "scores": {"Cost": {"reason": "x", "score": 7}, "Time": {"reason": "y", "score": 9}}}"#) > 0)
        // Generation order: pros, cons, then each criterion's reason before its score.
        let source = try #require(schema)
        #expect(source["properties"]?.objectValue?.keys == ["pros", "cons", "scores"])
        #expect(source["properties"]?["scores"]?["properties"]?.objectValue?.keys == ["Cost", "Time"])
        #expect(source["properties"]?["scores"]?["properties"]?["Cost"]?["properties"]?.objectValue?.keys == ["reason", "score"])
        // Only the cells asked for.
        let cellsOnly = DecisionSchemas.option(prosAndCons: false, criteria: ["Time"])
        #expect(try Self.violations(cellsOnly, #"{"scores": {"Time": {"reason": "slow", "score": 3}}}"#) == 0)
        #expect(try Self.violations(cellsOnly, #"{"scores": {"Time": {"reason": "slow", "score": 3}, "Cost": {"reason": "x", "score": 2}}}"#) > 0)
        #expect(DecisionSchemas.option(prosAndCons: false, criteria: []) == Optional<JSONValue>.none)
    }

    @Test func theCommentPicksOneOfTheOptionsExactly() throws {
        let schema = DecisionSchemas.recommendation(options: ["Train", "Fly"])
        #expect(try Self.violations(schema, #"{"reason": "It is faster.", "choice": "Fly"}"#) == 0)
        #expect(try Self.violations(schema, #"{"reason": "It is faster.", "choice": "fly"}"#) > 0)
        #expect(try Self.violations(schema, #"{"reason": "It is faster.", "choice": "first-train"}"#) > 0)
        #expect(try Self.violations(schema, #"{"choice": "Fly"}"#) > 0)
    }

    @Test func everySchemaCompilesToAGrammar() throws {
        let schemas: [JSONValue?] = [
            DecisionSchemas.setup(options: 2...3, criteria: 2...4, weightsFor: ["Zeit", "价格"]),
            DecisionSchemas.option(prosAndCons: true, criteria: ["Cost", "Learning curve", "价格"]),
            DecisionSchemas.recommendation(options: ["Train", "Fly", "坐飞机"]),
        ]
        for schema in schemas {
            let grammar = try JSONSchema(parsing: try #require(schema).serialized).gbnf()
            #expect(grammar.contains("root"))
        }
    }
}
