import Foundation
import ParleyCore
import ParleyWrite

/// Write mode joined to the chat: the `/write` form and template picker (overlays), a message
/// while a draft is open being a revision request, and the draft turn's events. What the draft
/// panel does is `WriteFeature`'s; this is the overlays, transcript and phase around it.
extension ChatReducer {
    /// Runs `WriteFeature` on the draft panel; nil when there is none.
    func write(_ state: inout ChatState, _ action: WriteFeature.Action) -> [ChatEffect]? {
        // Checked first: a token of any reply comes through here, and the geometry is for the panel.
        guard state.draftPanel != nil else { return nil }
        let env = WriteFeature.Environment(panelShown: ScreenGeometry(state).showsPanel)
        return scope(&state, \.draftPanel) { writeFeature.reduce(&$0, action, env) }
    }

    // MARK: - Commands

    /// `/write`, `/version`, `/diff`, `/save`, after the table's checks.
    func runWrite(_ command: SlashCommand, _ state: inout ChatState, now: Date) -> [ChatEffect] {
        let action: WriteFeature.Action
        switch command {
        case .write(let name):
            openForm(name, &state)
            return []
        case .version(let choice): action = .version(choice)
        case .diff(let from, let to): action = .diff(from: from, to: to)
        case .save(let path): action = .save(path)
        default: return []
        }
        guard let effects = write(&state, action) else {
            state.notice = CommandRequirements.wrongMode(.write, command: command.kind.rawValue)
            return []
        }
        return effects
    }

    /// `/write TEMPLATE` opens its form; `/write` alone, the template picker.
    private func openForm(_ name: String?, _ state: inout ChatState) {
        guard let name else {
            askForTemplate(&state)
            return
        }
        guard let template = state.templates.first(where: { $0.name == name }) else {
            let known = state.templates.map(\.name)
            state.notice = ChatNotice(
                known.isEmpty ? "unknown template '\(name)': no templates were found"
                    : "unknown template '\(name)'; templates: \(known.joined(separator: ", "))",
                isError: true)
            return
        }
        state.overlay = .writeForm(WriteForm(template: template))
    }

    /// `/write` without a name and `/mode write` without a draft: opens the template picker, the
    /// templates by kind, filtered as the user types (or says there are no templates).
    func askForTemplate(_ state: inout ChatState) {
        guard !state.templates.isEmpty else {
            state.notice = ChatNotice("write mode: no templates were found", isError: true)
            return
        }
        state.overlay = .templatePicker(TemplatePicker(templates: state.templates))
        state.notice = ChatNotice("write mode: choose a template (or /write NAME)")
    }

    func handleTemplatePickerInput(_ state: inout ChatState, _ picker: inout TemplatePicker, _ input: InputEvent, now: Date) -> [ChatEffect] {
        switch input {
        case .paste(let text):
            picker.editFilter { $0.insert(text.replacingOccurrences(of: "\n", with: " ")) }
        case .wheel(let up):
            picker.move(by: up ? -1 : 1)
        case .unknown:
            break
        case .key(let key):
            switch key {
            case .escape, .ctrl("c"):
                state.overlay = .none
                state.notice = ChatNotice("no template chosen: /write NAME or /mode write chooses one")
                return []
            case .enter:
                guard let template = picker.chosen else { return [] }
                state.overlay = .none
                // As if typed, so the same table decides whether it may run.
                return run(.write(template.name), &state, now: now)
            case .up: picker.move(by: -1)
            case .down, .tab: picker.move(by: 1)
            case .pageUp: picker.move(by: -10)
            case .pageDown: picker.move(by: 10)
            case .character(let c): picker.editFilter { $0.insert(c) }
            case .backspace: picker.editFilter { $0.backspace() }
            case .ctrl("u"): picker.editFilter { $0.clear() }
            default: break
            }
        }
        state.overlay = .templatePicker(picker)
        return []
    }

    /// `/mode write`: with a draft its panel stays; without one, a template is asked for.
    func enterWriteMode(_ state: inout ChatState) {
        if state.draftPanel?.draft != nil {
            state.notice = ChatNotice("mode: write · type a change (\u{201C}shorter\u{201D}) to revise the draft")
        } else {
            askForTemplate(&state)
        }
    }

    // MARK: - Revisions

    /// `/retry` regenerates a chat reply; a draft's versions come from revision requests instead.
    func refuseRetryOfADraft(_ state: inout ChatState) -> Bool {
        guard state.conversation.mode == .write, state.draftPanel?.draft != nil else { return false }
        state.notice = ChatNotice("in write mode type the change again (\u{201C}shorter\u{201D}): it becomes a new version", isError: true)
        return true
    }

    /// In write mode with a draft, a message is a revision request: the next version streams into
    /// the panel. Nil when the message is an ordinary chat message.
    func reviseDraftIfWriting(_ state: inout ChatState, _ text: String, now: Date) -> [ChatEffect]? {
        guard state.conversation.mode == .write, state.draftPanel?.draft != nil else { return nil }
        let instruction = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if state.inputHistory.last != text { state.inputHistory.append(text) }
        state.historyIndex = nil
        state.editingMessageID = nil
        state.input.clear()
        state.notice = nil
        state.scrollOffset = 0
        state.lastRate = nil
        let effects = write(&state, .revise(instruction: instruction))
        // The transcript shows the request as typed until the stored exchange (which carries the
        // version being revised) replaces it when the turn ends.
        appendPending(&state, text: instruction, now: now)
        return effects
    }

    // MARK: - The form

    func handleWriteFormInput(_ state: inout ChatState, _ form: inout WriteForm, _ input: InputEvent, now: Date) -> [ChatEffect] {
        switch input {
        case .paste(let text):
            form.edit { $0.insert(text) }
        case .wheel, .unknown:
            break
        case .key(let key):
            switch key {
            case .escape, .ctrl("c"):
                state.overlay = .none
                state.notice = ChatNotice("nothing was written")
                return []
            case .tab, .down: form.move(by: 1)
            case .backTab, .up: form.move(by: -1)
            case .ctrl("s"):
                return submitForm(&state, &form, now: now)
            case .enter:
                if form.isOnLastRow { return submitForm(&state, &form, now: now) }
                form.move(by: 1)
            case .left: if !form.cycleChoice(forward: false) { form.edit { $0.moveLeft() } }
            case .right: if !form.cycleChoice(forward: true) { form.edit { $0.moveRight() } }
            case .ctrlJ, .altEnter: form.edit { $0.newline() }
            case .character(let c): form.edit { $0.insert(c) }
            case .backspace: form.edit { $0.backspace() }
            case .delete: form.edit { $0.deleteForward() }
            case .home, .ctrl("a"): form.edit { $0.moveHome() }
            case .end, .ctrl("e"): form.edit { $0.moveEnd() }
            case .ctrl("u"): form.edit { $0.deleteToLineStart() }
            case .ctrl("k"): form.edit { $0.deleteToLineEnd() }
            case .ctrl("w"), .altBackspace: form.edit { $0.deleteWordBackward() }
            default: break
            }
        }
        state.overlay = .writeForm(form)
        return []
    }

    /// Fills the template; when it fills, the form closes, the first version starts streaming
    /// into the panel and the exchange goes into this conversation.
    private func submitForm(_ state: inout ChatState, _ form: inout WriteForm, now: Date) -> [ChatEffect] {
        guard let filled = form.submit() else {
            state.overlay = .writeForm(form)
            return []
        }
        // The form opened after the same check; it is asked again because sending is what it guards.
        if let refusal = CommandRequirements.of(.write).refusal(state, command: SlashCommandKind.write.rawValue) {
            state.overlay = .writeForm(form)
            state.notice = refusal
            return []
        }
        state.overlay = .none
        var effects: [ChatEffect] = []
        if state.conversation.mode != .write {
            state.conversation.mode = .write
            if state.isStored { effects.append(.setMode(conversationID: state.conversation.id, mode: .write)) }
        }
        state.draftPanel = DraftPanel(writing: form.template.name)
        state.notice = nil
        state.scrollOffset = 0
        state.lastRate = nil
        appendPending(&state, text: filled.instruction, now: now)
        effects.append(.startDraft(filled, template: form.template, conversationID: state.isStored ? state.conversation.id : nil))
        return effects
    }

    // MARK: - Events

    func reduceWriteEvent(_ state: inout ChatState, _ event: ChatEvent, now: Date) -> [ChatEffect] {
        switch event {
        case .draftLoaded(let draft):
            guard let draft, draft.conversationID == state.conversation.id else { return [] }
            state.draftPanel = DraftPanel(draft: draft)
        case .draftTurnFinished(let draft, let conversation):
            _ = reduce(&state, .turnFinished(conversation), now: now)
            guard let draft else {
                closePanel(&state)
                if state.notice == nil { state.notice = ChatNotice("the model returned no text; no draft was made", isError: true) }
                return []
            }
            // An interrupted or failed reply says so rather than giving the version count.
            let problem = state.notice?.isError == true ? state.notice : nil
            if state.draftPanel == nil { state.draftPanel = DraftPanel(writing: draft.title) }
            _ = write(&state, .finished(draft))
            if let problem { state.notice = problem }
        default:
            break
        }
        return []
    }

    /// A draft turn that failed before any text: the panel goes back to the draft (or away, when
    /// there was none yet). A first version's failure also takes back the pending exchange, so the
    /// template's instruction does not land in the input. Nil when no draft turn was running.
    func draftTurnFailed(_ state: inout ChatState, _ reason: String) -> [ChatEffect]? {
        guard let panel = state.draftPanel, panel.isWriting else { return nil }
        guard panel.draft == nil else {
            _ = write(&state, .revisionFailed)
            return nil
        }
        closePanel(&state)
        state.phase = .idle
        if state.conversation.messages.last?.status == .streaming { state.conversation.messages.removeLast() }
        if state.conversation.messages.last?.role == .user { state.conversation.messages.removeLast() }
        state.notice = ChatNotice(reason, isError: true)
        state.contextTokens = ChatState.estimateContext(state.conversation)
        return []
    }
}
