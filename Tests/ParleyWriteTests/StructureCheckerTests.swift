import Foundation
import ParleyCore
import StructuredOutput
import Testing
@testable import ParleyWrite

/// Every bundled template's declared structure, checked against a draft that has it and one that
/// does not; and the JSON side: the schema made of the rules and the text made of the JSON.
@Suite("Structure checker")
struct StructureCheckerTests {
    static let library = BundledTemplateTests.library

    /// For each template: a draft that meets every rule, and one that breaks the rule named.
    static let cases: [(template: String, good: String, bad: String, broken: String)] = [
        ("email", "Subject: Heater\n\nHi Sam,\nIt broke.\n\nBest regards,\nAlex", "Hi Sam,\nIt broke.\nAlex", "a subject line"),
        ("email", "Subject: Heater\n\nHi Sam,\nIt broke.\n\nThanks,\nAlex", "Subject: Heater\n\nHi Sam,\nIt broke.\nChris", "signed Alex"),
        ("slogan", "1. One cup.\n2. Two cups.\n3. Three.\n4. Four.\n5. Five.", "1. One cup.\n2. Two cups.", "5 numbered items"),
        ("slogan", "1. a\n2. b\n3. c\n4. d\n5. e", "1. a\n2. b\n3. c\n4. d\n5. one two three four five six seven eight nine", "items of at most 8 words"),
        ("outline", "Running\n\n1. Why\n   - a\n   - b\n2. How\n   - c\n   - d\n3. When\n   - e\n   - f",
         "1. Why\n   - a\n   - b\n2. How\n   - c\n   - d\n3. When\n   - e\n   - f", "a title line"),
        ("outline", "Running\n\n1. Why\n   - a\n   - b\n2. How\n   - c\n   - d\n3. When\n   - e\n   - f",
         "Running\n\n1. Why\n   - a\n2. How\n   - c\n   - d\n3. When\n   - e\n   - f", "2 to 3 sub-points per item"),
        ("outline", "Running\n\n1. Why\n   - a\n   - b\n2. How\n   - c\n   - d\n3. When\n   - e\n   - f",
         "Running\n\n1. Why\n   - a\n   - b", "3 to 6 numbered items"),
        ("social-post", "Guess what?\nWe open at 7.\nSee you?\n#bakery #morning", "Guess what?\nWe open at 7.\nSee you?", "1 to 3 hashtags"),
        ("social-post", "Guess what?\nWe open.\nCome!\n#a #b", "Guess what?\nWe open.\nCome!\n#a #b #c #d", "1 to 3 hashtags"),
        ("social-post", "Guess what?\nWe open.\nCome!\n#a", "Guess what? We open. Come! #a", "parts Hook, Body, Call to action"),
        ("report", "Q1 support\n\nSummary\nBusy.\n\nFindings\n- 1,240 tickets\n\nRecommendations\n- Hire",
         "Q1 support\n\nSummary\nBusy.\n\nRecommendations\n- Hire\n\nFindings\n- 1,240 tickets", "sections Summary, Findings, Recommendations"),
        ("report", "Q1 support\n\nSummary\nBusy.\n\nFindings\n- 1,240 tickets\n\nRecommendations\n- Hire",
         "Q1 support\n\nSummary\nBusy.\n\nFindings\nMany tickets.\n\nRecommendations\n- Hire", "sections Summary, Findings, Recommendations"),
        ("meeting-notes", "## Summary\nPriya, Tom, Alex met.\n\n**Decisions**\n- Budget ok\n\nAction items:\n- Priya: vendors (Fri)",
         "Summary\nPriya, Tom, Alex met.\n\nAction items\n- Priya: vendors (Fri)", "sections Summary, Decisions, Action items"),
        ("aida", "Attention: Wow.\nInterest: Space.\nDesire: Folds.\nAction: Buy.", "Attention: Wow.\nInterest: Space.\nAction: Buy.",
         "sections Attention, Interest, Desire, Action"),
        ("pas", "Problem: Hungry.\nAgitate: Late.\nSolution: Plan. Try it.", "Hungry. Late. Plan.", "sections Problem, Agitate, Solution"),
        ("product-description", "Warm anywhere.\n\n- Packs small\n\nBuy now.", "Warm anywhere.\nPacks small.\nBuy now.",
         "parts Benefit, Features, Call to action"),
        ("press-release", "Brightwater opens solar farm\n\nSummary.\n\nBody.\n\n\"Quote,\" said Maria.\n\nAbout Brightwater Energy\nWe make power.",
         "Brightwater opens solar farm\n\nSummary.\n\nBody.\n\nQuote.", "sections About Brightwater Energy"),
        ("press-release", "Brightwater opens solar farm\n\nSummary.\n\nBody.\n\n\"Quote,\" said Maria.\n\nAbout Brightwater Energy\nWe make power.",
         "Brightwater opens solar farm\n\nAbout Brightwater Energy", "parts Summary, Details, Quote"),
        ("cover-letter", "Dear team,\n\nI want this job.\n\nI built dashboards.\n\nSincerely,\nJordan Lee",
         "Dear team,\n\nI want this job.\n\nSincerely,\nSam", "signed Jordan Lee"),
        ("cover-letter", "Dear team,\n\nI want this job.\n\nI built dashboards.\n\nSincerely,\nJordan Lee",
         "Dear team, I want this job. Jordan Lee", "at least 3 paragraphs"),
        ("summary", "Main Street closes to cars on Sundays.", String(repeating: "Main Street closes to cars on Sundays and more. ", count: 9),
         "shorter than the text"),
        ("commit-message", "Add a comma to the greeting\n\nThe greeting read badly.", "Add a comma to the greeting in greet.py so that it reads well today\n\nx",
         "a summary line of at most 60 characters"),
        ("commit-message", "Add a comma to the greeting\n\nThe greeting read badly.", "Add a comma\nThe greeting read badly.",
         "a summary line of at most 60 characters"),
        ("commit-message", "Add a comma to the greeting\n\nThe greeting read badly.", "Add a comma to the greeting", "parts Summary, Body"),
        ("docstring", "\"\"\"Clamp value between low and high.\"\"\"", "Clamps the value.", "a documentation comment"),
        ("docstring", "```python\n\"\"\"Clamp value.\"\"\"\n```", "This function clamps.", "a documentation comment"),
        ("explain-code", "Steps\n- Finds logs\n- Deletes old ones\n\nRisks\nNo undo.", "It finds logs.\n\nRisks\nNo undo.", "sections Steps, Risks"),
        ("function", "```python\ndef median(xs):\n    return 0\n```\nCall median([1]).", "def median(xs):\n    return 0", "a fenced code block"),
        ("unit-tests", "```python\ndef test_leap():\n    assert is_leap(2000)\n```", "```python\n```", "a fenced code block"),
    ]

    static func values(_ template: WritingTemplate) -> [String: String] {
        Dictionary(uniqueKeysWithValues: template.fields.map { ($0.name, $0.example ?? "") })
    }

    @Test(arguments: cases.indices)
    func aDraftThatFollowsTheStructurePassesAndOneThatDoesNotIsNamed(index: Int) throws {
        let (name, good, bad, broken) = Self.cases[index]
        let template = try Self.library.template(named: name)
        let values = Self.values(template)
        let passing = StructureChecker.check(good, structure: template.structure, values: values)
        #expect(!passing.isEmpty && passing.allSatisfy(\.met), "\(name): \(passing.filter { !$0.met }.map(\.description))")
        let failing = StructureChecker.check(bad, structure: template.structure, values: values).filter { !$0.met }
        #expect(failing.map(\.rule).contains(broken), "\(name): \(failing.map(\.description))")
    }

    @Test func everyBundledTemplateDeclaresItsStructureAndIsCovered() {
        for template in Self.library.all {
            #expect(!template.structure.isEmpty, "\(template.name) declares no structure")
            #expect(Self.cases.contains { $0.template == template.name }, "\(template.name) has no structure case")
        }
        // The list-like and labelled ones are written as JSON and laid out by the program.
        let json = Self.library.all.filter { $0.structure.output == .json }.map(\.name)
        #expect(Set(["slogan", "outline", "social-post", "report", "meeting-notes", "aida", "pas"]).isSubset(of: Set(json)))
    }

    @Test func failuresSayWhatWasFound() {
        let results = StructureChecker.check(
            "1. a\n2. b", structure: TemplateStructure(list: .init(count: "{{count}}")), values: ["count": "3"])
        #expect(results == [StructureChecker.Result("3 numbered items", met: false, detail: "found 2")])
        #expect(results[0].description == "3 numbered items: found 2")
    }

    // MARK: - JSON

    @Test func theSchemaFollowsTheRulesInTextOrder() throws {
        let slogan = try Self.library.template(named: "slogan")
        let format = try #require(DraftSchema.format(template: slogan, values: ["product": "cups", "count": "4"]))
        guard case .jsonSchema(let name, let schema) = format else { Issue.record("not a schema"); return }
        #expect(name == "slogan")
        #expect(schema == #"{"type":"object","properties":{"items":{"type":"array","items":{"type":"string","minLength":1,"maxLength":64},"minItems":4,"maxItems":4}},"required":["items"],"additionalProperties":false}"#)
        let outline = DraftSchema.schema(try Self.library.template(named: "outline").structure, values: [:])
        #expect(outline.contains(#""properties":{"title":"#))
        #expect(outline.contains(#""sub_points":{"type":"array","items":{"type":"string","minLength":1,"maxLength":100},"minItems":2,"maxItems":3}"#))
        #expect(outline.contains(#""minItems":3,"maxItems":6"#))
        let post = DraftSchema.schema(try Self.library.template(named: "social-post").structure, values: [:])
        #expect(post.contains(#""properties":{"hook":{"type":"string","minLength":1,"maxLength":600},"body":"#))
        #expect(post.contains(#""call_to_action""#) && post.contains(#""hashtags":{"type":"array""#))
        #expect(try JSONSerialization.jsonObject(with: Data(post.utf8)) is [String: Any])
        // Text templates have none.
        #expect(DraftSchema.format(template: try Self.library.template(named: "email"), values: [:]) == nil)
    }

    /// The local runtime turns the schema into a grammar; every bundled one must convert, and each
    /// example answer (the JSON the model is shown) must be valid against its template's schema
    /// with the example's own count.
    @Test func everySchemaConvertsToAGrammarAndTheExamplesFollowIt() throws {
        for template in Self.library.all where template.structure.output == .json {
            let values = Self.values(template)
            let schema = try JSONSchema(parsing: DraftSchema.schema(template.structure, values: values))
            #expect(!(try schema.gbnf()).isEmpty, "\(template.name)")
            for answer in template.exampleAnswers {
                let count = template.structure.list?.count == nil ? values : values.merging(["count": "5"]) { $1 }
                let own = try JSONSchema(parsing: DraftSchema.schema(template.structure, values: count))
                let violations = own.validate(try JSONValue.parse(answer))
                #expect(violations.isEmpty, "\(template.name): \(violations)")
            }
        }
    }

    /// A second attempt that must carry values the first left out has each pinned at the start of
    /// one string, in slot order; the grammar holds the model to it.
    @Test func pinnedValuesStartTheAnswersStrings() throws {
        let slogan = try Self.library.template(named: "slogan").structure
        let pinned = try JSONSchema(parsing: DraftSchema.schema(slogan, values: ["count": "3"], pinning: ["智能水杯"]))
        #expect(pinned.validate(try JSONValue.parse(#"{"items": ["智能水杯，健康每一天", "喝水更简单", "随身带着走"]}"#)).isEmpty)
        #expect(!pinned.validate(try JSONValue.parse(#"{"items": ["健康每一天", "智能水杯真好", "随身带着走"]}"#)).isEmpty)
        #expect(!pinned.validate(try JSONValue.parse(#"{"items": ["智能水杯，健康每一天", "喝水更简单"]}"#)).isEmpty)
        #expect(!(try pinned.gbnf()).isEmpty)
        // AIDA: the product opens the attention line (capitalised), the details the interest line.
        let aida = try Self.library.template(named: "aida").structure
        let two = try JSONSchema(parsing: DraftSchema.schema(aida, values: [:], pinning: ["a standing desk", "holds 30 kg (tested)"]))
        #expect(two.validate(try JSONValue.parse(
            #"{"attention": "A standing desk for small rooms.", "interest": "Holds 30 kg (tested) and folds.", "desire": "x", "action": "y"}"#)).isEmpty)
        #expect(!two.validate(try JSONValue.parse(
            #"{"attention": "Meet a standing desk.", "interest": "Holds 30 kg (tested).", "desire": "x", "action": "y"}"#)).isEmpty)
        #expect(!two.validate(try JSONValue.parse(
            #"{"attention": "A standing desk.", "interest": "Holds 30 kg, tested.", "desire": "x", "action": "y"}"#)).isEmpty)
        #expect(!(try two.gbnf()).isEmpty)
        // An outline's first point; values with quotes or line breaks are not pinned.
        let outline = try Self.library.template(named: "outline").structure
        let first = try JSONSchema(parsing: DraftSchema.schema(outline, values: [:], pinning: ["say \"hi\"", "running at forty"]))
        #expect(first.validate(try JSONValue.parse(
            #"{"title": "Running at forty: a start", "items": [{"point": "Why", "sub_points": ["a", "b"]}, {"point": "How", "sub_points": ["c", "d"]}, {"point": "When", "sub_points": ["e", "f"]}]}"#)).isEmpty)
        #expect(DraftSchema.schema(outline, values: [:], pinning: ["a\nb"]) == DraftSchema.schema(outline, values: [:]))
        // Two values: the title, then the first point (a list with sub-points spends no value on a plain item).
        let both = try JSONSchema(parsing: DraftSchema.schema(outline, values: [:], pinning: ["running", "shoes"]))
        #expect(both.validate(try JSONValue.parse(
            #"{"title": "Running at forty", "items": [{"point": "Shoes first", "sub_points": ["a", "b"]}, {"point": "How", "sub_points": ["c", "d"]}, {"point": "When", "sub_points": ["e", "f"]}]}"#)).isEmpty)
        #expect(!both.validate(try JSONValue.parse(
            #"{"title": "Running at forty", "items": [{"point": "Why", "sub_points": ["a", "b"]}, {"point": "How", "sub_points": ["c", "d"]}, {"point": "When", "sub_points": ["e", "f"]}]}"#)).isEmpty)
        // A value longer than a pinned string's room is not pinned (no negative repetition).
        let long = String(repeating: "word ", count: 50)
        #expect(DraftSchema.schema(aida, values: [:], pinning: [long]) == DraftSchema.schema(aida, values: [:]))
        #expect(DraftSchema.escapedForPattern("a.b (c)?") == #"a\.b \(c\)\?"#)
    }

    @Test func theProgramLaysOutTheJSON() throws {
        let outline = try Self.library.template(named: "outline").structure
        #expect(JSONDraftRenderer.render(
            #"{"title": "Running at forty", "items": [{"point": "Why", "sub_points": ["Heart", "Mood"]}, {"point": "How", "sub_points": ["Slowly"]}]}"#,
            structure: outline, values: [:]) == "Running at forty\n\n1. Why\n   - Heart\n   - Mood\n2. How\n   - Slowly")
        let aida = try Self.library.template(named: "aida").structure
        #expect(JSONDraftRenderer.render(#"{"attention": "Wow.", "interest": "Space.", "desire": "Folds.", "action": "Buy."}"#, structure: aida, values: [:])
            == "Attention: Wow.\nInterest: Space.\nDesire: Folds.\nAction: Buy.")
        let report = try Self.library.template(named: "report").structure
        #expect(JSONDraftRenderer.render(
            #"{"title": "Q1", "summary": "Busy.", "findings": ["More tickets"], "recommendations": "Hire\nTrain"}"#, structure: report, values: [:])
            == "Q1\n\nSummary\nBusy.\n\nFindings\n- More tickets\n\nRecommendations\n- Hire\n- Train")
        let post = try Self.library.template(named: "social-post").structure
        // Hashtags get their #, however the model wrote them; a fenced, cut-off answer is still read.
        #expect(JSONDraftRenderer.render("```json\n{\"hook\": \"Up early?\", \"body\": \"We open at 7.\", \"call_to_action\": \"Come by!\", \"hashtags\": [\"bakery\", \"#fresh bread\"",
            structure: post, values: [:]) == "Up early?\n\nWe open at 7.\n\nCome by!\n\n#bakery #fresh #bread")
        let slogan = try Self.library.template(named: "slogan").structure
        #expect(JSONDraftRenderer.render(#"{"items": ["Sip.", "", "Go."]}"#, structure: slogan, values: [:]) == "1. Sip.\n2. Go.")
        // A constrained model kept inside a string it wanted to close: cut at the JSON marks, empty items dropped,
        // a string that reached its limit trimmed back to a whole word.
        #expect(JSONDraftRenderer.render(#"{"items": ["Sip. }] ] }2019 words", "}]", "}Extracts", "Coffee cups for every single morning of your busy week at the offic"]}"#,
            structure: slogan, values: [:]) == "1. Sip.\n2. Extracts\n3. Coffee cups for every single morning of your busy week at the")
        // The cleaned content written back as JSON, in schema order, for revisions.
        let content = try #require(JSONDraftRenderer.read(
            #"{"recommendations": ["Hire"], "summary": "Busy.", "title": "Q1", "findings": "More\nLess"}"#, structure: report))
        #expect(content.json(structure: report) == #"{"title": "Q1", "summary": "Busy.", "findings": ["More", "Less"], "recommendations": ["Hire"]}"#)
        #expect(JSONDraftRenderer.render(content.json(structure: report), structure: report, values: [:]) == content.text(structure: report, values: [:]))
        // Not JSON, or JSON of something else: the caller takes the answer as text.
        #expect(JSONDraftRenderer.render("1. Sip.\n2. Go.", structure: slogan, values: [:]) == nil)
        #expect(JSONDraftRenderer.render(#"{"colour": "red"}"#, structure: slogan, values: [:]) == nil)
        // finish(): rendered, then normalised; text that is not JSON is normalised as text.
        let template = try Self.library.template(named: "slogan")
        #expect(DraftNormalizer.finish("4. Sip.\n5. Go.", template: template, values: [:]) == "1. Sip.\n2. Go.")
    }
}
