import Foundation
import ParleyCore
import Testing
@testable import ParleyWrite

/// The pure checks and fixes a draft goes through before anyone sees it.
@Suite("Draft checks")
struct DraftCheckTests {
    // MARK: - Copies of the examples

    static let emailExample = """
        Subject: Moving Friday's review to Monday

        Hi Priya,

        I am travelling on Friday, so could we move our review to Monday? Monday at 10 am works for me.

        Thanks,
        Tom
        """

    @Test func aCopiedExampleSentenceIsFoundHoweverItIsSpacedOrCased() {
        let detector = CopyDetector(examples: [Self.emailExample], userText: "Write an email to my landlord about the broken heater.")
        // What the new user saw: the example's subject, copied.
        let copied = detector.copies(in: "SUBJECT:  moving friday's review to monday\n\nDear [Landlord's Name],\nThe heater is broken.")
        #expect(copied == ["Subject: Moving Friday's review to Monday"])
        // Six words in a row are enough, even inside another sentence.
        #expect(detector.copies(in: "Dear Sam, so could we move our review to Monday please?")
            == ["I am travelling on Friday, so could we move our review to Monday?"])
        // Format lines are not content: a greeting and a sign-off may repeat.
        #expect(detector.copies(in: "Subject: Broken heater\n\nHi Priya,\n\nThe heater is broken.\n\nThanks,\nTom").isEmpty)
        #expect(detector.copies(in: "Monday at 10 am works well.").isEmpty)
        // A three-word sentence counts only as a sentence of its own.
        let short = CopyDetector(examples: ["Subject: New address\n\nWe have moved."], userText: "")
        #expect(short.copies(in: "Subject: New address\n\nHello.") == ["Subject: New address"])
        #expect(short.copies(in: "Subject: New address for my son").isEmpty)
    }

    @Test func wordsTheUserGaveAreNotCopies() {
        let example = "We can meet on Monday at ten in the morning."
        let detector = CopyDetector(examples: [example], userText: "Say that we can meet on Monday at ten in the morning.")
        #expect(detector.copies(in: "Hello. We can meet on Monday at ten in the morning.").isEmpty)
        let other = CopyDetector(examples: [example], userText: "Write about the heater.")
        #expect(other.copies(in: "Hello. We can meet on Monday at ten in the morning.") == [example])
    }

    @Test func aJSONExampleIsReadForItsSentences() {
        let detector = CopyDetector(examples: [#"{"items": ["Flat tyre? Rolling again by noon.", "Your bike shop around the corner."]}"#], userText: "")
        #expect(detector.copies(in: "1. Your bike shop around the corner.\n2. Cups for all") == ["Your bike shop around the corner."])
        #expect(detector.copies(in: "1. Sip, rinse, repeat.").isEmpty)
    }

    @Test func copiedSentencesCanBeTakenOut() {
        let detector = CopyDetector(examples: [Self.emailExample], userText: "")
        let draft = "Subject: Moving Friday's review to Monday\n\nDear Sam,\n\nThe heater is broken. Monday at 10 am works for me.\n1. Monday at 10 am works for me.\n\nThanks,\nTom"
        let (text, removed) = detector.removingCopies(from: draft)
        #expect(text == "\nDear Sam,\n\nThe heater is broken.\n\nThanks,\nTom")
        #expect(removed == ["Subject: Moving Friday's review to Monday", "Monday at 10 am works for me.", "Monday at 10 am works for me."])
        #expect(detector.copies(in: text).isEmpty)
    }

    // MARK: - The user's values

    let emailFields = [
        TemplateField(name: "to", prompt: "To?", required: true, mention: .all),
        TemplateField(name: "topic", prompt: "About?", required: true, mention: .all),
        TemplateField(name: "points", prompt: "Points?", required: false, mention: .any),
        TemplateField(name: "tone", prompt: "Tone?", required: false),
    ]

    @Test func aValuesKeyWordsMustAppearInAnyForm() {
        let values = ["to": "my landlord", "topic": "the broken heater", "points": "", "tone": "grumpy"]
        // "heating" answers "heater", "Landlord's" answers "landlord"; the tone is never checked.
        let good = "Subject: Broken heating\n\nDear Landlord's office, the heating is broken."
        #expect(FieldMentionCheck.missing(in: good, fields: emailFields, values: values).isEmpty)
        let bad = "Subject: Moving Friday's review to Monday\n\nDear Mr. Smith, the heater is fine."
        let missing = FieldMentionCheck.missing(in: bad, fields: emailFields, values: values)
        #expect(missing.map(\.field) == ["to", "topic"])
        #expect(missing[1].words == ["broken"])
        #expect(missing[0].description == "the draft does not mention \u{201C}my landlord\u{201D} (to)")
    }

    @Test func longValuesNeedThreeKeyWordsInFourAndSourceMaterialOneWord() {
        let fields = [
            TemplateField(name: "news", prompt: "News?", required: true, mention: .all),
            TemplateField(name: "diff", prompt: "Diff?", required: true, mention: .any, multiline: true),
        ]
        let values = ["news": "a new solar farm that will power 20,000 homes", "diff": "-TIMEOUT = 5\n+TIMEOUT = 30\n"]
        // Key words: solar, farm, power, 20, 000, homes: five of six are enough.
        let text = "Solar farm to power 20,000 houses. The timeout is now longer."
        #expect(FieldMentionCheck.missing(in: text, fields: fields, values: values).isEmpty)
        let off = FieldMentionCheck.missing(in: "A farm for homes. Add a greeting function.", fields: fields, values: values)
        #expect(off.map(\.field) == ["news", "diff"])
        #expect(off[1].mention == .any)
        #expect(off[1].description.contains("is not about the diff"))
    }

    @Test func chineseValuesAreComparedByCharacterPairs() {
        let fields = [TemplateField(name: "product", prompt: "What?", required: true, mention: .all)]
        #expect(FieldMentionCheck.missing(in: "1. 智能水杯，让喝水更简单", fields: fields, values: ["product": "智能水杯"]).isEmpty)
        #expect(FieldMentionCheck.missing(in: "1. 喝水更简单", fields: fields, values: ["product": "智能水杯"]).count == 1)
    }

    @Test func tokensAndStems() {
        #expect(TextTokens.tokens("Hi, Friday's 10-am 智能 cup!") == ["hi", "friday's", "10", "am", "智", "能", "cup"])
        #expect(TextTokens.wordCount("Two words. 三个字") == 5)
        #expect(TextTokens.tokens("7am, mp3") == ["7", "am", "mp", "3"])
        #expect(["heater", "heating", "heats"].map(TextTokens.stem) == ["heat", "heat", "heat"])
        #expect(["running", "run", "slogans", "stopped", "coffee", "cities"].map(TextTokens.stem) == ["run", "run", "slogan", "stop", "coffe", "city"])
        #expect(TextTokens.stem("homes") == TextTokens.stem("home") && TextTokens.stem("boxes") == "box")
    }

    // MARK: - Fixes

    @Test func numberedListsStartAtOne() {
        // What the new user saw: slogans numbered on from the example.
        #expect(ListNumbering.renumber("4. Sip.\n5. Go.\n\n6. Cup.") == "1. Sip.\n2. Go.\n\n3. Cup.")
        // Sub-points stay with their item; a heading starts a new list; code is left alone.
        let outline = "Intro\n3. Why\n   - Cheap\n   2) nested\n   7) again\n9. How\nFindings\n2. a\n```\n5. code\n```"
        #expect(ListNumbering.renumber(outline) == "Intro\n1. Why\n   - Cheap\n   1) nested\n   2) again\n2. How\nFindings\n1. a\n```\n5. code\n```")
        #expect(ListNumbering.renumber("In 2024. we grew.\n12.5 percent") == "In 2024. we grew.\n12.5 percent")
    }

    @Test func anEmailGetsOnePlainSubjectLineAtTheTop() {
        #expect(SubjectLine.subject(of: "**Subject:** Subject: Heater") == "Heater")
        #expect(SubjectLine.subject(of: "Subj: Heater") == "Heater")
        #expect(SubjectLine.subject(of: "Dear Sam,") == nil)
        #expect(SubjectLine.ensure("Dear Sam,\nSubject: Heater\n\nIt broke.", fallback: "x") == "Subject: Heater\n\nDear Sam,\n\nIt broke.")
        #expect(SubjectLine.ensure("Dear Sam,\n\nIt broke.", fallback: "the broken heater") == "Subject: The broken heater\n\nDear Sam,\n\nIt broke.")
        #expect(SubjectLine.ensure("Subject:\nDear Sam,", fallback: "heater") == "Subject: Heater\n\nDear Sam,")
    }

    @Test func normalisingSignsWithTheSendersName() {
        let structure = TemplateStructure(subject: "{{topic}}", signOff: "{{sender}}")
        let values = ["topic": "the heater", "sender": "Jo"]
        // The example's name at the end is replaced by the sender's.
        #expect(DraftNormalizer.normalize("Subject: Heater\n\nHi,\nIt broke.\n\nBest regards,\nChris", structure: structure, values: values)
            == "Subject: Heater\n\nHi,\nIt broke.\n\nBest regards,\nJo")
        #expect(DraftNormalizer.normalize("Hi,\nIt broke.", structure: structure, values: values)
            == "Subject: The heater\n\nHi,\nIt broke.\n\nBest regards,\nJo")
        #expect(DraftNormalizer.normalize("Subject: Heater\n\nThanks, Jo", structure: structure, values: values) == "Subject: Heater\n\nThanks, Jo")
        // No sender, nothing to sign with.
        #expect(DraftNormalizer.normalize("Subject: Tea\n\nThanks,\nChris", structure: structure, values: ["topic": "tea"]) == "Subject: Tea\n\nThanks,\nChris")
        // A subject (or title) that does not say what the user gave, in a draft that nowhere does, is replaced by it.
        #expect(DraftNormalizer.normalize("Subject: Welcome to the team\n\nHi Priya,\nSee you.", structure: structure, values: ["topic": "the offsite in May"])
            == "Subject: The offsite in May\n\nHi Priya,\nSee you.")
        let titled = TemplateStructure(title: "{{topic}}")
        #expect(DraftNormalizer.normalize("The How\n\n1. Shoes", structure: titled, values: ["topic": "running at forty"]) == "Running at forty\n\n1. Shoes")
        #expect(DraftNormalizer.normalize("Run at 40\n\n1. Running shoes at forty", structure: titled, values: ["topic": "running at forty"])
            == "Run at 40\n\n1. Running shoes at forty")
        #expect(DraftNormalizer.normalize("1. Shoes", structure: titled, values: ["topic": "running"]) == "Running\n\n1. Shoes")
        // A wrapping fence goes unless the template wants code.
        #expect(DraftNormalizer.normalize("```\n2. a\n3. b\n```", structure: TemplateStructure(), values: [:]) == "1. a\n2. b")
        #expect(DraftNormalizer.normalize("```\nx\n```", structure: TemplateStructure(codeBlock: true), values: [:]) == "```\nx\n```")
    }

    @Test func anEmailThatNowhereNamesItsRecipientIsAddressedToThem() {
        let structure = TemplateStructure(subject: "{{topic}}", greeting: "{{to}}")
        // A placeholder greeting is replaced, keeping the model's opening word.
        #expect(DraftNormalizer.normalize("Subject: Heater\n\nHi [Name],\n\nIt broke.", structure: structure, values: ["topic": "the heater", "to": "my landlord"])
            == "Subject: Heater\n\nHi landlord,\n\nIt broke.")
        // None at all: one is added after the subject; a Chinese name is addressed the Chinese way.
        #expect(DraftNormalizer.normalize("Subject: 家长会\n\n下周三开家长会。", structure: structure, values: ["topic": "家长会", "to": "王老师"])
            == "Subject: 家长会\n\n王老师：\n\n下周三开家长会。")
        #expect(DraftNormalizer.normalize("Subject: 家长会\n\n尊敬的老师：\n下周三开家长会。", structure: structure, values: ["topic": "家长会", "to": "王老师"])
            == "Subject: 家长会\n\n王老师：\n下周三开家长会。")
        // Named anywhere, nothing changes.
        let named = "Subject: Heater\n\nHello,\n\nSam, the heater broke."
        #expect(DraftNormalizer.normalize(named, structure: structure, values: ["topic": "the heater", "to": "Sam"]) == named)
    }

    @Test func aCommitSummaryIsCutAfterItsFirstSentenceAndAnIntroductionGoes() {
        let structure = TemplateStructure(summaryLine: 60)
        #expect(DraftNormalizer.normalize("Add a comma to the greeting. The old greeting printed the name without one, which read badly.",
            structure: structure, values: [:]) == "Add a comma to the greeting\n\nThe old greeting printed the name without one, which read badly.")
        #expect(DraftNormalizer.normalize("Fix it\nIt was broken.", structure: structure, values: [:]) == "Fix it\n\nIt was broken.")
        #expect(DraftNormalizer.normalize("Here is the revised version of the text:\n\nShort text.", structure: TemplateStructure(), values: [:]) == "Short text.")
        #expect(DraftNormalizer.normalize("Here is why:\n", structure: TemplateStructure(), values: [:]) == "Here is why:")
    }

    @Test func aReplyCutAtItsLimitLosesOnlyItsUnfinishedSentence() {
        #expect(DraftNormalizer.droppingUnfinishedSentence("One. Two three. Four fi") == "One. Two three.")
        #expect(DraftNormalizer.droppingUnfinishedSentence("Done.") == "Done.")
        // Too little would be left: kept as it is.
        #expect(DraftNormalizer.droppingUnfinishedSentence("Ok. and then a very long unfinished sentence that goes on") == "Ok. and then a very long unfinished sentence that goes on")
    }

    // MARK: - Revisions

    @Test func revisionGoalsAreReadAndMeasuredInWords() throws {
        #expect(RevisionGoal("make it shorter") == .shorter)
        #expect(RevisionGoal("More concise, please") == .shorter)
        #expect(RevisionGoal("更短一些") == .shorter)
        #expect(RevisionGoal("expand the second paragraph") == .longer)
        #expect(RevisionGoal("more formal") == .other)
        #expect(RevisionGoal.shorter.target(from: 100) == 60)
        #expect(RevisionGoal.shorter.isMet(before: 100, after: 99))
        #expect(!RevisionGoal.shorter.isMet(before: 100, after: 100))
        #expect(RevisionGoal.other.isMet(before: 1, after: 200))
        let prompt = RevisionPrompt.make(current: "one two three four five six seven eight nine ten", instruction: "shorter", kind: .document)
        #expect(prompt.hasPrefix("Rewrite the text below in at most 6 words (it has 10). Change: shorter.\nKeep its main points.\nReply with only the new text.\n\nText:\none two"))
        #expect(!RevisionPrompt.make(current: "x", instruction: "more formal", kind: .document).contains("words"))
        // The template's structure, as a phrase, so the rewrite keeps its shape.
        let slogans = TemplateStructure(list: .init(count: "{{count}}", maxWords: 8))
        let format = try #require(slogans.summary(values: ["count": "5"]))
        #expect(format == "a numbered list of 5 items")
        #expect(RevisionPrompt.make(current: "1. a", instruction: "punchier", kind: .copy, format: format)
            .hasPrefix("Rewrite the text below. Change: punchier.\nKeep everything else the same. Keep the format: a numbered list of 5 items. Reply"))
        #expect(TemplateStructure(subject: "x", sections: [.init("Attention"), .init("Action")], labels: .inline, hashtags: 3).summary(values: [:])
            == "a first line \"Subject: ...\", lines starting Attention: Action:, up to 3 hashtags at the end")
        #expect(TemplateStructure().summary(values: [:]) == nil)
    }
}
