import Foundation
import ParleyCore
import ParleyWrite
import Testing

@testable import ParleyTUI

/// Write mode in the reducer: the `/write` form, the draft streaming into the panel, revisions,
/// versions, diffs, `/save` with its confirmation, `/copy`, and the panel following the mode.
@Suite("Write mode")
struct WriteModeTests {
    static let slogan = WritingTemplate(
        name: "slogan", kind: .copy, description: "Several short slogan options for a product or brand.",
        fields: [
            TemplateField(name: "product", prompt: "The product or brand", required: true),
            TemplateField(name: "count", prompt: "How many options", required: false, defaultValue: "5"),
        ],
        defaultTone: .playful, defaultLength: .short,
        instruction: "Write {{count}} different slogans for {{product}}.")
    static let email = WritingTemplate(
        name: "email", kind: .document, description: "An email.",
        fields: [TemplateField(name: "to", prompt: "Who is it to?", required: true)], instruction: "Write an email to {{to}}.")

    static func harness(width: Int = 80, height: Int = 24, messages: [Message] = []) -> ChatHarness {
        var h = ChatHarness(width: width, height: height, messages: messages)
        h.state.templates = [slogan, email]
        return h
    }

    static func form(_ h: ChatHarness) -> WriteForm? {
        if case .writeForm(let form) = h.state.overlay { return form }
        return nil
    }

    static func panel(_ h: ChatHarness) -> DraftPanel? { h.state.draftPanel }

    static func command(_ h: inout ChatHarness, _ line: String) -> [ChatEffect] {
        h.state.input.set(line)
        return h.key(.enter)
    }

    static func filled(_ product: String) throws -> FilledTemplate {
        try TemplateFiller.fill(slogan, values: ["product": product, "count": "5"], controls: WritingControls(tone: .playful, length: .short))
    }

    static func version(_ text: String, _ instruction: String, at seconds: Double) -> DraftVersion {
        DraftVersion(text: text, instruction: instruction, createdAt: ChatHarness.epoch.addingTimeInterval(seconds))
    }

    /// A harness in write mode whose first version ("1. Sip smarter.\n2. Cup of joy.") has streamed in.
    static func withDraft(width: Int = 80, height: Int = 24) throws -> (ChatHarness, Draft) {
        var h = harness(width: width, height: height, messages: ChatHarness.conversation(turns: 1))
        _ = command(&h, "/write slogan")
        h.type("a reusable coffee cup")
        h.key(.ctrl("s"))
        h.send(.turnStarted(conversationID: h.state.conversation.id, messageID: "r1"))
        let text = "1. Sip smarter.\n2. Cup of joy."
        h.send(.turnText(text), at: 1)
        let filled = try filled("a reusable coffee cup")
        let draft = Draft(
            id: "20270115-080500-d00001", template: slogan, filled: filled, first: version(text, filled.instruction, at: 1),
            conversationID: h.state.conversation.id)
        var conversation = h.state.conversation
        conversation.messages[conversation.messages.count - 1].status = .complete
        h.send(.draftTurnFinished(draft: draft, conversation: conversation), at: 2)
        return (h, draft)
    }

    /// `withDraft` plus a second version made by the revision "shorter".
    static func withTwoVersions(width: Int = 80, height: Int = 24) throws -> (ChatHarness, Draft) {
        var (h, draft) = try withDraft(width: width, height: height)
        h.type("shorter")
        h.key(.enter)
        h.send(.turnStarted(conversationID: h.state.conversation.id, messageID: "r2"))
        h.send(.turnText("1. Sip smarter.\n2. Joy to go."), at: 3)
        draft.addRevision(version("1. Sip smarter.\n2. Joy to go.", "shorter", at: 3))
        var conversation = h.state.conversation
        conversation.messages[conversation.messages.count - 1].status = .complete
        h.send(.draftTurnFinished(draft: draft, conversation: conversation), at: 4)
        return (h, draft)
    }

    // MARK: - Opening the form

    @Test func anUnknownTemplateIsAnErrorNamingTheKnownOnes() {
        var h = WriteModeTests.harness()
        let effects = WriteModeTests.command(&h, "/write nosuch")
        #expect(effects.isEmpty)
        #expect(h.state.overlay == .none)
        #expect(h.state.notice?.isError == true)
        #expect(h.state.notice?.text == "unknown template 'nosuch'; templates: slogan, email")
    }

    @Test func theFormHasEveryFieldWithDefaultsThenTheControls() throws {
        var h = WriteModeTests.harness()
        _ = WriteModeTests.command(&h, "/write slogan")
        let form = try #require(WriteModeTests.form(h))
        #expect(form.rows.map(\.name) == ["product", "count", "tone", "length", "audience", "language"])
        #expect(form.rows.map(\.value) == ["", "5", "playful", "short", "", ""])
        #expect(form.rows.map(\.required) == [true, false, false, false, false, false])
        #expect(form.rows[2].choices == ["neutral", "formal", "friendly", "persuasive", "playful"])
        #expect(form.rows[3].choices == ["short", "medium", "long"])
        #expect(form.focus == 0)
        let screen = h.render().textRows.joined(separator: "\n")
        #expect(screen.contains("Write · slogan"))
        #expect(screen.contains("The product or brand *"))
    }

    @Test func tabShiftTabAndArrowsMoveBetweenFieldsAndLeftRightChoose() throws {
        var h = WriteModeTests.harness()
        _ = WriteModeTests.command(&h, "/write slogan")
        h.key(.tab)
        #expect(WriteModeTests.form(h)?.focus == 1)
        h.key(.down)
        #expect(WriteModeTests.form(h)?.focus == 2)
        h.key(.right)  // playful is the last tone: wraps to the first
        #expect(WriteModeTests.form(h)?.rows[2].value == "neutral")
        h.key(.right)
        #expect(WriteModeTests.form(h)?.rows[2].value == "formal")
        h.key(.left)
        h.key(.left)
        #expect(WriteModeTests.form(h)?.rows[2].value == "playful")
        h.key(.backTab)
        h.key(.up)
        #expect(WriteModeTests.form(h)?.focus == 0)
        h.key(.up)  // wraps to the last row
        #expect(WriteModeTests.form(h)?.focus == 5)
        // On a text row Left moves the cursor instead.
        h.type("Frenc")
        h.key(.left)
        h.type("c")
        #expect(WriteModeTests.form(h)?.rows[5].value == "Frencc")
    }

    @Test func onAShortScreenTheFormKeepsTheFocusedRowInView() throws {
        var h = WriteModeTests.harness(width: 80, height: 11)
        _ = WriteModeTests.command(&h, "/write slogan")
        #expect(h.render().textRows.contains { $0.contains("› The product or brand *") })
        #expect(!h.render().textRows.contains { $0.contains("Language") })
        h.key(.backTab)  // wraps to the last row, Language
        let rows = h.render().textRows
        #expect(rows.contains { $0.contains("› Language") })
        #expect(rows.contains { $0.contains("Write · slogan (6/6)") })
        #expect(!rows.contains { $0.contains("The product or brand") })
    }

    @Test func aMissingRequiredFieldIsNamedAndNothingIsSent() throws {
        var h = WriteModeTests.harness()
        _ = WriteModeTests.command(&h, "/write slogan")
        h.key(.tab)
        h.key(.tab)
        let effects = h.key(.ctrl("s"))
        #expect(effects.isEmpty)
        let form = try #require(WriteModeTests.form(h))
        #expect(form.missing == ["product"])
        #expect(form.problem?.contains("The product or brand") == true)
        #expect(form.focus == 0)
        #expect(h.state.conversation.messages.isEmpty)
        #expect(h.render().textRows.contains { $0.contains("required: “The product or brand”") })
        // Filling it in clears the complaint.
        h.type("cups")
        #expect(WriteModeTests.form(h)?.missing == [])
        #expect(WriteModeTests.form(h)?.problem == nil)
    }

    @Test func anInvalidToneIsRefusedWithTheAllowedValues() throws {
        var h = WriteModeTests.harness()
        _ = WriteModeTests.command(&h, "/write slogan")
        h.type("cups")
        h.key(.tab)
        h.key(.tab)
        h.state.overlay = .writeForm({ var f = WriteModeTests.form(h)!; f.rows[2].editor.set("grumpy"); return f }())
        #expect(h.key(.ctrl("s")).isEmpty)
        #expect(WriteModeTests.form(h)?.problem == "unknown tone 'grumpy'; use one of: neutral, formal, friendly, persuasive, playful")
        #expect(WriteModeTests.form(h)?.focus == 2)
    }

    @Test func escapeCancelsTheForm() {
        var h = WriteModeTests.harness()
        _ = WriteModeTests.command(&h, "/write slogan")
        h.type("cups")
        #expect(h.key(.escape).isEmpty)
        #expect(h.state.overlay == .none)
        #expect(h.state.panel == nil)
        #expect(h.state.conversation.messages.isEmpty)
    }

    // MARK: - The first version

    @Test func submittingStartsTheDraftWithTheFilledTemplate() throws {
        var h = WriteModeTests.harness()
        _ = WriteModeTests.command(&h, "/write slogan")
        h.type("a reusable coffee cup")
        let effects = h.key(.ctrl("s"))
        let filled = try WriteModeTests.filled("a reusable coffee cup")
        #expect(effects == [.startDraft(filled, template: WriteModeTests.slogan, conversationID: nil)])
        #expect(h.state.overlay == .none)
        #expect(h.state.conversation.mode == .write)
        #expect(h.state.phase != .idle)
        #expect(h.state.conversation.messages.map(\.content) == [filled.instruction, ""])
        let panel = try #require(WriteModeTests.panel(h))
        #expect(panel.draft == nil && panel.streaming == "" && panel.pendingTitle == "slogan")
    }

    @Test func enterOnTheLastFieldSubmitsAndAStoredChatSwitchesItsMode() throws {
        var h = WriteModeTests.harness(messages: ChatHarness.conversation(turns: 1))
        _ = WriteModeTests.command(&h, "/write slogan")
        h.type("cups")
        h.key(.enter)
        h.key(.enter)
        h.key(.enter)
        h.key(.enter)
        #expect(h.key(.enter).isEmpty)  // onto the last row
        let effects = h.key(.enter)
        let filled = try WriteModeTests.filled("cups")
        #expect(effects == [
            .setMode(conversationID: h.state.conversation.id, mode: .write),
            .startDraft(filled, template: WriteModeTests.slogan, conversationID: h.state.conversation.id),
        ])
    }

    @Test func theDraftStreamsIntoThePanelAndStaysWhenItFinishes() throws {
        var h = WriteModeTests.harness(width: 100, height: 30, messages: ChatHarness.conversation(turns: 1))
        _ = WriteModeTests.command(&h, "/write slogan")
        h.type("a reusable coffee cup")
        h.key(.ctrl("s"))
        h.send(.turnText("1. Sip "), at: 1)
        #expect(WriteModeTests.panel(h)?.streaming == "1. Sip ")
        #expect(h.render(now: 1).textRows.contains { $0.contains("slogan · version 1 (writing…)") })
        let (finished, draft) = try WriteModeTests.withDraft()
        #expect(WriteModeTests.panel(finished)?.draft == draft)
        #expect(WriteModeTests.panel(finished)?.isWriting == false)
        #expect(finished.state.phase == .idle)
        #expect(finished.state.notice?.text.hasPrefix("version 1 of 1") == true)
        // On a screen too narrow for the panel beside the chat, the notice says how to see it.
        #expect(finished.state.notice?.text.hasPrefix("version 1 of 1 · F3 shows the draft") == true)
        let (wide, _) = try WriteModeTests.withDraft(width: 100, height: 30)
        #expect(wide.state.notice?.text.contains("F3") == false)
    }

    @Test func aFirstVersionThatFailsClosesThePanelAndLeavesTheInputEmpty() {
        var h = WriteModeTests.harness()
        _ = WriteModeTests.command(&h, "/write slogan")
        h.type("cups")
        h.key(.ctrl("s"))
        h.send(.turnFailed("cannot reach the server"))
        #expect(h.state.panel == nil)
        #expect(h.state.input.isEmpty)
        #expect(h.state.conversation.messages.isEmpty)
        #expect(h.state.notice == ChatNotice("cannot reach the server", isError: true))
        #expect(h.state.phase == .idle)
    }

    // MARK: - Revisions and versions

    @Test func aMessageInWriteModeIsARevisionThatBecomesTheNextVersion() throws {
        var (h, draft) = try WriteModeTests.withDraft()
        h.type("shorter")
        let effects = h.key(.enter)
        #expect(effects == [.reviseDraft(draft, instruction: "shorter")])
        #expect(WriteModeTests.panel(h)?.streaming == "")
        #expect(h.state.conversation.messages.suffix(2).map(\.content) == ["shorter", ""])
        // A second message while it streams is refused.
        h.type("longer")
        #expect(h.key(.enter).isEmpty)
        let (two, revised) = try WriteModeTests.withTwoVersions()
        #expect(WriteModeTests.panel(two)?.draft?.versionCount == 2)
        #expect(WriteModeTests.panel(two)?.draft?.currentNumber == 2)
        #expect(revised.current.text == "1. Sip smarter.\n2. Joy to go.")
        #expect(two.state.notice?.text.hasPrefix("version 2 of 2") == true)
    }

    @Test func outsideWriteModeAMessageIsAnOrdinaryChatMessage() throws {
        var (h, _) = try WriteModeTests.withDraft()
        _ = WriteModeTests.command(&h, "/mode chat")
        #expect(h.state.panel == nil)
        h.type("hello")
        let effects = h.key(.enter)
        guard case .send(let text, _, _, let mode, _)? = effects.first else {
            Issue.record("expected a send, got \(effects)")
            return
        }
        #expect(text == "hello" && mode == .chat)
    }

    @Test func altPageUpAndDownAndVersionPageThroughVersions() throws {
        var (h, draft) = try WriteModeTests.withTwoVersions()
        #expect(h.key(.altPageUp) == [.selectDraftVersion(draftID: draft.id, number: 1)])
        #expect(WriteModeTests.panel(h)?.draft?.currentNumber == 1)
        #expect(h.render().textRows.joined().contains("version 1 of 2") || h.state.notice?.text == "version 1 of 2")
        #expect(h.key(.altPageUp).isEmpty)  // no version before the first
        #expect(h.key(.altPageDown) == [.selectDraftVersion(draftID: draft.id, number: 2)])
        #expect(WriteModeTests.command(&h, "/version 1") == [.selectDraftVersion(draftID: draft.id, number: 1)])
        #expect(WriteModeTests.command(&h, "/version next") == [.selectDraftVersion(draftID: draft.id, number: 2)])
        #expect(WriteModeTests.command(&h, "/version prev") == [.selectDraftVersion(draftID: draft.id, number: 1)])
        #expect(WriteModeTests.command(&h, "/version 3").isEmpty)
        #expect(h.state.notice == ChatNotice("no version 3; the draft has versions 1 to 2", isError: true))
        // A revision now starts from version 1, the one shown.
        h.type("more playful")
        guard case .reviseDraft(let revising, _)? = h.key(.enter).first else {
            Issue.record("expected a revision")
            return
        }
        #expect(revising.currentNumber == 1)
    }

    @Test func versionCommandsWithoutADraftSayHowToStartOne() {
        var h = WriteModeTests.harness()
        for line in ["/version 2", "/diff", "/save out.txt"] {
            #expect(WriteModeTests.command(&h, line).isEmpty)
            #expect(h.state.notice == ChatNotice("no draft yet: /write TEMPLATE starts one", isError: true))
        }
    }

    // MARK: - Diffs

    @Test func diffShowsTheLineDiffAndAnyKeyReturnsToTheText() throws {
        var (h, draft) = try WriteModeTests.withTwoVersions(width: 100, height: 30)
        #expect(WriteModeTests.command(&h, "/diff").isEmpty)
        let panel = try #require(WriteModeTests.panel(h))
        #expect(panel.diffFrom == 1 && panel.diffTo == 2)
        #expect(h.state.notice?.text == "version 1 → 2: 1 line added, 1 line removed")
        let rows = h.render().textRows
        #expect(rows.contains { $0.contains("changes from version 1 to 2 (+1 −1)") })
        #expect(rows.contains { $0.contains("- 2. Cup of joy.") })
        #expect(rows.contains { $0.contains("+ 2. Joy to go.") })
        #expect(rows.contains { $0.contains("  1. Sip smarter.") })
        #expect(try draft.diff(from: 1, to: 2).added == 1)
        // PgDn scrolls the diff; a typed key goes back to the text (and is typed).
        h.key(.pageDown)
        #expect(WriteModeTests.panel(h)?.isShowingDiff == true)
        h.key(.character("x"))
        #expect(WriteModeTests.panel(h)?.isShowingDiff == false)
        #expect(h.state.input.text == "x")
        // Any two versions; a number out of range is refused.
        h.state.input.clear()
        #expect(WriteModeTests.command(&h, "/diff 2 1").isEmpty)
        #expect(WriteModeTests.panel(h)?.diffFrom == 2)
        #expect(WriteModeTests.command(&h, "/diff 1 7").isEmpty)
        #expect(h.state.notice == ChatNotice("no version 7; the draft has versions 1 to 2", isError: true))
    }

    @Test func diffOfASingleVersionSaysThereIsNothingBefore() throws {
        var (h, _) = try WriteModeTests.withDraft()
        #expect(WriteModeTests.command(&h, "/diff").isEmpty)
        #expect(h.state.notice?.isError == true)
        #expect(WriteModeTests.panel(h)?.isShowingDiff == false)
    }

    // MARK: - Saving and copying

    @Test func saveOfAnExistingFileAsksAndOnlyYesOverwrites() throws {
        var (h, draft) = try WriteModeTests.withTwoVersions()
        let text = draft.current.text
        #expect(WriteModeTests.command(&h, "/save out.txt") == [.saveText(text: text, path: "out.txt", overwrite: false, what: .draft)])
        h.send(.saveRefused(path: "out.txt", text: text, what: .draft))
        #expect(
            h.state.overlay
                == .confirm(question: "out.txt exists. Replace it with the draft? (y/n)", action: .overwrite(path: "out.txt", text: text, what: .draft)))
        #expect(h.render().textRows.contains { $0.contains("out.txt exists. Replace it") })
        #expect(h.key(.character("n")).isEmpty)
        #expect(h.state.overlay == .none)
        #expect(h.state.notice?.text == "left out.txt as it was")
        _ = WriteModeTests.command(&h, "/save out.txt")
        h.send(.saveRefused(path: "out.txt", text: text, what: .draft))
        #expect(h.key(.character("y")) == [.saveText(text: text, path: "out.txt", overwrite: true, what: .draft)])
        h.send(.textSaved(path: "out.txt", what: .draft))
        #expect(h.state.notice?.text == "saved the draft to out.txt")
    }

    @Test func saveWritesTheVersionShown() throws {
        var (h, draft) = try WriteModeTests.withTwoVersions()
        h.key(.altPageUp)
        #expect(WriteModeTests.command(&h, "/save first.txt") == [.saveText(text: try draft.version(1).text, path: "first.txt", overwrite: false, what: .draft)])
    }

    @Test func copyInWriteModeCopiesTheDraftVersionShown() throws {
        var (h, draft) = try WriteModeTests.withTwoVersions()
        h.key(.altPageUp)
        #expect(WriteModeTests.command(&h, "/copy") == [.copyToClipboard(try draft.version(1).text)])
        _ = WriteModeTests.command(&h, "/mode chat")
        guard case .copyToClipboard(let copied)? = WriteModeTests.command(&h, "/copy").first else {
            Issue.record("expected a copy")
            return
        }
        #expect(copied == h.state.conversation.messages.last { $0.role == .assistant }?.content)
    }

    // MARK: - Mode, reopening, completion

    @Test func modeWriteWithoutADraftOpensTheTemplatePicker() {
        var h = WriteModeTests.harness()
        #expect(WriteModeTests.command(&h, "/mode write").isEmpty)
        #expect(h.state.conversation.mode == .write)
        guard case .templatePicker(let picker) = h.state.overlay else { Issue.record("no picker: \(h.state.overlay)"); return }
        // Documents first, then copy, then code.
        #expect(picker.visible.map(\.name) == ["email", "slogan"])
        h.key(.down)
        h.key(.enter)
        #expect(WriteModeTests.form(h)?.template.name == "slogan")
    }

    @Test func thePickerFiltersAsYouTypeAndEscLeavesNothingOpen() {
        var h = WriteModeTests.harness()
        _ = WriteModeTests.command(&h, "/write")
        h.type("SLO")
        guard case .templatePicker(let picker) = h.state.overlay else { Issue.record("no picker"); return }
        #expect(picker.visible.map(\.name) == ["slogan"])
        h.type("x")
        guard case .templatePicker(let none) = h.state.overlay else { Issue.record("no picker"); return }
        #expect(none.visible.isEmpty)
        #expect(h.key(.enter).isEmpty)
        h.key(.escape)
        #expect(h.state.overlay == .none)
        #expect(h.state.panel == nil)
    }

    @Test func thePickerOnScreen() {
        var h = WriteModeTests.harness()
        _ = WriteModeTests.command(&h, "/mode write")
        guard case .templatePicker = h.state.overlay else { Issue.record("no picker: \(h.state.overlay)"); return }
        SnapshotTests().assertSnapshot(h.render(), "write-template-picker-80x24")
    }

    @Test func reopeningAWriteConversationLoadsItsDraft() throws {
        let (source, draft) = try WriteModeTests.withDraft()
        var h = WriteModeTests.harness()
        var conversation = source.state.conversation
        conversation.mode = .write
        let effects = h.send(.conversationLoaded(conversation, readOnly: false))
        #expect(effects == [.loadDraft(conversationID: conversation.id)])
        h.send(.draftLoaded(draft))
        #expect(WriteModeTests.panel(h)?.draft == draft)
        // A draft of another conversation is not shown; a chat conversation closes the panel.
        var other = draft
        other.conversationID = "20270101-000000-ffffff"
        var chat = ChatHarness.conversation(turns: 1)
        chat[0].content = "other"
        #expect(h.send(.conversationLoaded(Conversation(id: "20270101-000000-eeeeee", messages: chat), readOnly: false)).isEmpty)
        #expect(h.state.panel == nil)
        h.send(.draftLoaded(other))
        #expect(h.state.panel == nil)
    }

    @Test func retryInWriteModeSaysToAskForARevision() throws {
        var (h, _) = try WriteModeTests.withDraft()
        #expect(WriteModeTests.command(&h, "/retry").isEmpty)
        #expect(h.state.notice?.isError == true)
        #expect(h.state.notice?.text.contains("type the change again") == true)
    }

    @Test func aLongDraftScrollsInThePanelToItsLastLine() throws {
        var h = WriteModeTests.harness(width: 60, height: 20)
        h.state.conversation.mode = .write
        let text = (1...100).map { "line \($0)" }.joined(separator: "\n")
        let filled = try WriteModeTests.filled("cups")
        h.state.panel = .draft(DraftPanel(draft: Draft(
            id: "20270115-080500-d00002", template: WriteModeTests.slogan, filled: filled, first: WriteModeTests.version(text, "x", at: 0))))
        h.key(.function(3))
        #expect(h.render().rowText(1).contains("Draft ↓"))
        for _ in 0..<20 { h.key(.pageDown) }
        let rows = h.render().textRows
        #expect(rows[1].contains("Draft ↑ "))
        #expect(!rows[1].contains("↓"))
        #expect(rows.contains { $0.contains("line 100") })
        #expect(!rows.contains { $0.contains("line 80 ") })
    }

    @Test func ctrlNClosesTheDraftPanel() throws {
        var (h, _) = try WriteModeTests.withDraft()
        h.key(.ctrl("n"))
        #expect(h.state.panel == nil)
    }

    @Test func slashCommandsParse() {
        #expect(SlashCommand.parse("/write slogan") == .success(.write("slogan")))
        #expect(SlashCommand.parse("/write") == .success(.write(nil)))
        #expect(SlashCommand.parse("/version 3") == .success(.version(.number(3))))
        #expect(SlashCommand.parse("/version prev") == .success(.version(.previous)))
        #expect(SlashCommand.parse("/version zero") == .failure(.init(description: "/version takes a version number, next or prev")))
        #expect(SlashCommand.parse("/diff") == .success(.diff(from: nil, to: nil)))
        #expect(SlashCommand.parse("/diff 1 3") == .success(.diff(from: 1, to: 3)))
        #expect((try? SlashCommand.parse("/diff 1").get()) == nil)
        #expect(SlashCommand.parse("/save my file.txt") == .success(.save("my file.txt")))
        #expect((try? SlashCommand.parse("/save").get()) == nil)
    }

    @Test func altPageKeysAreDecoded() {
        var decoder = KeyDecoder()
        #expect(decoder.feed(Array("\u{1B}[5;3~\u{1B}[6;3~\u{1B}[5~".utf8)) == [.key(.altPageUp), .key(.altPageDown), .key(.pageUp)])
    }

    @Test func helpListsTheWriteCommandsAndKeys() {
        var h = ChatHarness(width: 100, height: 80)
        h.key(.function(1))
        let screen = h.render().textRows.joined(separator: "\n")
        for text in ["/write [TEMPLATE]", "/version N|next|prev", "/diff [A B]", "/save FILE", "Alt-PgUp Alt-PgDn"] {
            #expect(screen.contains(text), "\(text)")
        }
    }

    // MARK: - Snapshots

    @Test func snapshotTheFormAt80x24() {
        var h = WriteModeTests.harness()
        _ = WriteModeTests.command(&h, "/write slogan")
        h.type("a reusable coffee cup")
        h.key(.tab)
        h.key(.tab)
        SnapshotTests().assertSnapshot(h.render(), "write-form-80x24")
    }

    @Test func snapshotTheDraftPanelBesideTheChatAt100x30() throws {
        let (h, _) = try WriteModeTests.withTwoVersions(width: 100, height: 30)
        SnapshotTests().assertSnapshot(h.render(now: 5), "write-draft-panel-100x30")
    }

    @Test func snapshotADiff() throws {
        var (h, _) = try WriteModeTests.withTwoVersions(width: 100, height: 30)
        _ = WriteModeTests.command(&h, "/diff")
        SnapshotTests().assertSnapshot(h.render(now: 5), "write-diff-100x30")
    }

    @Test func snapshotNarrowF3() throws {
        var (h, _) = try WriteModeTests.withTwoVersions(width: 60, height: 20)
        #expect(ScreenGeometry(h.state).showsPanel == false)
        h.key(.function(3))
        let rows = h.render(now: 5).textRows
        #expect(rows.contains { $0.contains("2. Joy to go.") })
        SnapshotTests().assertSnapshot(h.render(now: 5), "write-narrow-f3-60x20")
    }
}
