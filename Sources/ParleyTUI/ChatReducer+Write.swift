import Foundation
import ParleyCore
import ParleyWrite

/// Write mode in the chat screen: the `/write` form, the draft streaming into the panel, every
/// message a revision request while a draft is open, paging versions, diffs, `/save` and `/copy`.
///
/// Kept apart from the rest of the reducer so write mode reads as one piece; the main reducer only
/// calls in at the few places where write mode changes what a key or an event means.
extension ChatReducer {
    static let writingRefusal = ChatNotice("a version is being written: wait, or press Ctrl-C to cancel it", isError: true)

    /// The draft panel, when the panel is one.
    static func draftPanel(_ state: ChatState) -> DraftPanel? {
        if case .draft(let panel)? = state.panel { return panel }
        return nil
    }

    // MARK: - Commands

    func runWrite(_ command: SlashCommand, _ state: inout ChatState, now: Date) -> [ChatEffect] {
        switch command {
        case .write(let name):
            guard let name else {
                askForTemplate(&state)
                return []
            }
            if state.isBusy { state.notice = ChatReducer.writingRefusal; return [] }
            if state.isReadOnly {
                state.notice = ChatReducer.readOnlyNotice
                return []
            }
            guard let template = state.templates.first(where: { $0.name == name }) else {
                let known = state.templates.map(\.name)
                state.notice = ChatNotice(
                    known.isEmpty ? "unknown template '\(name)': no templates were found"
                        : "unknown template '\(name)'; templates: \(known.joined(separator: ", "))",
                    isError: true)
                return []
            }
            state.overlay = .writeForm(WriteForm(template: template))
            return []
        case .version(let choice):
            guard var panel = openDraft(&state), let draft = panel.draft else { return [] }
            let target: Int
            switch choice {
            case .number(let number): target = number
            case .next: target = draft.currentNumber + 1
            case .previous: target = draft.currentNumber - 1
            }
            guard (1...draft.versionCount).contains(target) else {
                state.notice = ChatNotice(
                    draft.versionCount == 1 ? "the draft has one version so far; type a change (\u{201C}shorter\u{201D}) to make another"
                        : "no version \(target); the draft has versions 1 to \(draft.versionCount)",
                    isError: true)
                return []
            }
            return show(version: target, &panel, &state)
        case .diff(let from, let to):
            guard var panel = openDraft(&state), let draft = panel.draft else { return [] }
            let pair: (Int, Int)
            if let from, let to {
                pair = (from, to)
            } else {
                guard draft.currentNumber > 1 else {
                    state.notice = ChatNotice("version 1 has no previous version to compare with; /diff A B compares any two", isError: true)
                    return []
                }
                pair = (draft.currentNumber - 1, draft.currentNumber)
            }
            for number in [pair.0, pair.1] where !(1...draft.versionCount).contains(number) {
                state.notice = ChatNotice("no version \(number); the draft has versions 1 to \(draft.versionCount)", isError: true)
                return []
            }
            panel.diffFrom = pair.0
            panel.diffTo = pair.1
            panel.scroll = 0
            state.panel = .draft(panel)
            let diff = try? draft.diff(from: pair.0, to: pair.1)
            let visible = ScreenGeometry(state).showsPanel ? "" : " (F3 shows the panel)"
            func lines(_ n: Int) -> String { n == 1 ? "1 line" : "\(n) lines" }
            state.notice = ChatNotice(
                "version \(pair.0) → \(pair.1): \(lines(diff?.added ?? 0)) added, \(lines(diff?.removed ?? 0)) removed\(visible)")
            return []
        case .save(let path):
            guard let panel = openDraft(&state), let draft = panel.draft else { return [] }
            return [.saveText(text: draft.current.text, path: path, overwrite: false, what: .draft)]
        default:
            return []
        }
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
                return runWrite(.write(template.name), &state, now: now)
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

    /// The draft panel with a finished draft, or nil with a notice saying why not.
    private func openDraft(_ state: inout ChatState) -> DraftPanel? {
        guard let panel = ChatReducer.draftPanel(state), panel.draft != nil else {
            state.notice = ChatNotice("no draft yet: /write TEMPLATE starts one", isError: true)
            return nil
        }
        if panel.isWriting {
            state.notice = ChatReducer.writingRefusal
            return nil
        }
        return panel
    }

    /// Makes version `number` current in the panel and on disk.
    private func show(version number: Int, _ panel: inout DraftPanel, _ state: inout ChatState) -> [ChatEffect] {
        guard var draft = panel.draft, (try? draft.select(version: number)) != nil else { return [] }
        panel.draft = draft
        panel.diffFrom = nil
        panel.diffTo = nil
        panel.scroll = 0
        state.panel = .draft(panel)
        state.notice = ChatNotice("version \(number) of \(draft.versionCount)")
        return [.selectDraftVersion(draftID: draft.id, number: number)]
    }

    /// Alt-PgUp / Alt-PgDn: the previous or next version.
    func pageDraftVersion(_ state: inout ChatState, by offset: Int) -> [ChatEffect] {
        guard var panel = ChatReducer.draftPanel(state), let draft = panel.draft, !panel.isWriting else { return [] }
        let target = draft.currentNumber + offset
        guard (1...draft.versionCount).contains(target) else { return [] }
        return show(version: target, &panel, &state)
    }

    /// `/copy` in write mode copies the version shown; nil when there is no draft (the last reply then).
    func copyDraft(_ state: inout ChatState) -> [ChatEffect]? {
        guard state.conversation.mode == .write, let draft = ChatReducer.draftPanel(state)?.draft else { return nil }
        state.notice = ChatNotice("copied version \(draft.currentNumber) of the draft (\(draft.current.text.count) characters) to the clipboard")
        return [.copyToClipboard(draft.current.text)]
    }

    /// `/mode`: write mode without a draft asks for a template; leaving write mode closes the draft panel.
    func modeChangedForWrite(_ state: inout ChatState, _ mode: Mode) {
        if mode == .write {
            if ChatReducer.draftPanel(state)?.draft != nil {
                state.notice = ChatNotice("mode: write · type a change (\u{201C}shorter\u{201D}) to revise the draft")
            } else {
                askForTemplate(&state)
            }
        } else {
            closeDraftPanel(&state)
        }
    }

    func closeDraftPanel(_ state: inout ChatState) {
        guard ChatReducer.draftPanel(state) != nil else { return }
        state.panel = nil
        state.panelFullScreen = false
        switch state.overlay {
        case .writeForm, .templatePicker: state.overlay = .none
        default: break
        }
    }

    // MARK: - Revisions

    /// `/retry` regenerates a chat reply; a draft's versions come from revision requests instead.
    func refuseRetryOfADraft(_ state: inout ChatState) -> Bool {
        guard state.conversation.mode == .write, ChatReducer.draftPanel(state)?.draft != nil else { return false }
        state.notice = ChatNotice("in write mode type the change again (\u{201C}shorter\u{201D}): it becomes a new version", isError: true)
        return true
    }

    /// In write mode with a draft, a message is a revision request: the next version streams into
    /// the panel. Nil when the message is an ordinary chat message.
    func reviseDraftIfWriting(_ state: inout ChatState, _ text: String, now: Date) -> [ChatEffect]? {
        guard state.conversation.mode == .write, var panel = ChatReducer.draftPanel(state), let draft = panel.draft else { return nil }
        let instruction = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if state.inputHistory.last != text { state.inputHistory.append(text) }
        state.historyIndex = nil
        state.editingMessageID = nil
        state.input.clear()
        state.notice = nil
        state.scrollOffset = 0
        state.lastRate = nil
        panel.streaming = ""
        panel.diffFrom = nil
        panel.diffTo = nil
        panel.scroll = 0
        state.panel = .draft(panel)
        // The transcript shows the request as typed until the stored exchange (which carries the
        // version being revised) replaces it when the turn ends.
        appendPending(&state, text: instruction, now: now)
        return [.reviseDraft(draft, instruction: instruction)]
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
        if state.isBusy {
            state.overlay = .writeForm(form)
            state.notice = ChatReducer.busyNotice
            return []
        }
        state.overlay = .none
        var effects: [ChatEffect] = []
        if state.conversation.mode != .write {
            state.conversation.mode = .write
            if state.isStored { effects.append(.setMode(conversationID: state.conversation.id, mode: .write)) }
        }
        state.panel = .draft(DraftPanel(writing: form.template.name))
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
            state.panel = .draft(DraftPanel(draft: draft))
            return []
        case .draftTurnFinished(let draft, let conversation):
            let previous = ChatReducer.draftPanel(state)
            _ = reduce(&state, .turnFinished(conversation), now: now)
            if let draft {
                let grew = draft.versionCount > (previous?.draft?.versionCount ?? 0)
                state.panel = .draft(DraftPanel(draft: draft))
                if grew && state.notice?.isError != true {
                    let hidden = ScreenGeometry(state).showsPanel ? "" : " · F3 shows the draft"
                    // What the checks still found after a second attempt comes first: the user
                    // should know the draft leaves out a name before saving it.
                    let notes = draft.current.notes ?? []
                    let note = notes.first.map { " · note: \($0)" + (notes.count > 1 ? " (+\(notes.count - 1) more)" : "") } ?? ""
                    state.notice = ChatNotice(
                        "version \(draft.currentNumber) of \(draft.versionCount)\(note)\(hidden) · type a change (\u{201C}shorter\u{201D}) to revise · /save FILE · /diff")
                }
            } else {
                state.panel = nil
                state.panelFullScreen = false
                if state.notice == nil { state.notice = ChatNotice("the model returned no text; no draft was made", isError: true) }
            }
            return []
        default:
            return []
        }
    }

    /// A piece of a draft turn's text also goes into the panel.
    func appendDraftText(_ state: inout ChatState, _ piece: String) {
        guard var panel = ChatReducer.draftPanel(state), panel.streaming != nil else { return }
        panel.streaming! += piece
        state.panel = .draft(panel)
    }

    /// A draft turn that failed before any text: the panel goes back to the draft (or away, when
    /// there was none yet). A first version's failure also takes back the pending exchange, so the
    /// template's instruction does not land in the input. Nil when no draft turn was running.
    func draftTurnFailed(_ state: inout ChatState, _ reason: String) -> [ChatEffect]? {
        guard var panel = ChatReducer.draftPanel(state), panel.isWriting else { return nil }
        guard let draft = panel.draft else {
            state.panel = nil
            state.panelFullScreen = false
            state.phase = .idle
            if state.conversation.messages.last?.status == .streaming { state.conversation.messages.removeLast() }
            if state.conversation.messages.last?.role == .user { state.conversation.messages.removeLast() }
            state.notice = ChatNotice(reason, isError: true)
            state.contextTokens = ChatState.estimateContext(state.conversation)
            return []
        }
        panel = DraftPanel(draft: draft)
        state.panel = .draft(panel)
        return nil
    }

    /// Any key but scrolling and F1/F3 leaves the diff view for the text.
    func leaveDraftDiff(_ state: inout ChatState, _ input: InputEvent) {
        guard case .key(let key) = input, var panel = ChatReducer.draftPanel(state), panel.isShowingDiff else { return }
        if [.pageUp, .pageDown, .function(3), .function(1)].contains(key) { return }
        panel.diffFrom = nil
        panel.diffTo = nil
        panel.scroll = 0
        state.panel = .draft(panel)
    }

    /// After a conversation is opened: its draft is looked up in write mode; otherwise a draft
    /// panel left from the last conversation closes.
    func draftEffectsAfterLoading(_ state: inout ChatState) -> [ChatEffect] {
        closeDraftPanel(&state)
        return state.conversation.mode == .write ? [.loadDraft(conversationID: state.conversation.id)] : []
    }
}
