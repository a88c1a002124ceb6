import Foundation
import ParleyCore

/// The only code that changes `ChatState`: one event in, the new state and the effects to run out.
///
/// It holds the transcript layout (a memoised pure function) because scrolling needs to know how
/// many lines the transcript has at the current width.
public struct ChatReducer: Sendable {
    public let layout: TranscriptLayout
    /// Makes the id of every message, conversation and decision the reducer creates. Injected
    /// (like `now:`) so that tests can name the ids they expect; the screen uses the store's own.
    public let makeID: @Sendable () -> String
    /// The modes that own a panel, each a reducer of its own that the chat forwards to.
    let decideFeature = DecideFeature()
    let writeFeature = WriteFeature()

    /// Refusals shared by every command that would start or change a turn.
    static let busyNotice = ChatNotice("a reply is streaming: wait, or press Ctrl-C to cancel it", isError: true)
    static let readOnlyNotice = ChatNotice("this conversation is read-only; press Ctrl-N for a new one", isError: true)

    /// Whether a message must wait: it starts a turn, so it needs what a command that starts one
    /// needs (`CommandRequirements`); true, with the notice saying why, when the state lacks it.
    func refusesNewTurn(_ state: inout ChatState) -> Bool {
        guard let refusal = CommandRequirements(idle: true, writable: true).refusal(state, command: "") else { return false }
        state.notice = refusal
        return true
    }

    public init(layout: TranscriptLayout = TranscriptLayout(), makeID: @escaping @Sendable () -> String = { Identifier.make() }) {
        self.layout = layout
        self.makeID = makeID
    }

    public func reduce(_ state: inout ChatState, _ event: ChatEvent, now: Date = Date()) -> [ChatEffect] {
        switch event {
        case .input(let input):
            return handleInput(&state, input, now: now)
        case .resize(let width, let height):
            state.width = max(0, width)
            state.height = max(0, height)
            clampScroll(&state)
            return []
        case .turnStarted(let conversationID, let messageID):
            state.conversation.id = conversationID
            state.isStored = true
            if let last = state.conversation.messages.indices.last, state.conversation.messages[last].role == .assistant {
                state.conversation.messages[last].id = messageID
            }
            return []
        case .turnText(let piece):
            _ = write(&state, .streamed(piece))
            guard let last = state.conversation.messages.indices.last, state.conversation.messages[last].status == .streaming else { return [] }
            grow(&state, at: last) { $0.content += piece }
            let tokens = max(1, TokenEstimator.estimate(piece))
            state.contextTokens += tokens
            switch state.phase {
            case .streaming(let since, let count): state.phase = .streaming(since: since, tokens: count + tokens)
            default: state.phase = .streaming(since: now, tokens: tokens)
            }
            return []
        case .turnReasoning(let piece):
            guard let last = state.conversation.messages.indices.last, state.conversation.messages[last].status == .streaming else { return [] }
            grow(&state, at: last) { $0.reasoning = ($0.reasoning ?? "") + piece }
            // Reasoning is not sent back with the next prompt, so the context meter stays.
            let tokens = max(1, TokenEstimator.estimate(piece))
            switch state.phase {
            case .streaming(let since, let count): state.phase = .streaming(since: since, tokens: count + tokens)
            default: state.phase = .streaming(since: now, tokens: tokens)
            }
            return []
        case .turnNotice(let text):
            state.notice = ChatNotice(text)
            return []
        case .turnFinished(let conversation):
            if case .streaming(let since, let tokens) = state.phase {
                let seconds = now.timeIntervalSince(since)
                state.lastRate = seconds > 0.05 ? Double(tokens) / seconds : nil
            }
            state.phase = .idle
            state.conversation = conversation
            state.isStored = true
            state.contextTokens = ChatState.estimateContext(conversation)
            if let reply = conversation.messages.last, reply.role == .assistant, reply.status != .complete {
                state.notice = ChatNotice(
                    reply.status == .interrupted ? "reply interrupted: \(reply.error ?? "cancelled") (the partial reply is kept)"
                        : "reply failed: \(reply.error ?? "unknown error")",
                    isError: reply.status == .failed)
            } else if let reply = conversation.messages.last, let note = reply.tokenLimitNote(maxTokens: nil) {
                state.notice = ChatNotice(note)
            }
            clampScroll(&state)
            return []
        case .turnFailed(let reason):
            if let effects = draftTurnFailed(&state, reason) { return effects }
            state.phase = .idle
            // Take back the optimistic user message and placeholder; the text returns to the input.
            var restored: String?
            if state.conversation.messages.last?.status == .streaming { state.conversation.messages.removeLast() }
            if state.conversation.messages.last?.role == .user, state.conversation.messages.last?.status == .complete {
                restored = state.conversation.messages.removeLast().content
            }
            if let restored, state.input.isEmpty { state.input.set(restored) }
            state.notice = ChatNotice(reason, isError: true)
            state.contextTokens = ChatState.estimateContext(state.conversation)
            return []
        case .conversationLoaded(let conversation, let readOnly):
            state.conversation = conversation
            state.isStored = true
            state.isReadOnly = readOnly
            state.persona = conversation.persona ?? state.persona
            state.scrollOffset = 0
            state.editingMessageID = nil
            state.replyCursor = nil
            state.contextTokens = ChatState.estimateContext(conversation)
            if case .list = state.overlay { state.overlay = .none }
            state.notice = readOnly ? ChatNotice("read-only: this conversation was written by a newer Parley", isError: true) : nil
            return panelAfterLoading(&state, now: now)
        case .conversationsListed(let entries):
            var list: ConversationListState
            if case .list(let open) = state.overlay { list = open } else { list = ConversationListState() }
            list.entries = entries
            list.isLoading = false
            list.searchQuery = nil
            list.selected = min(list.selected, max(0, list.visibleEntries.count - 1))
            state.overlay = .list(list)
            return []
        case .searchResults(let query, let entries):
            var list = ConversationListState()
            list.entries = entries
            list.isLoading = false
            list.searchQuery = query
            state.overlay = .list(list)
            if entries.isEmpty { state.notice = ChatNotice("no conversation mentions \u{201C}\(query)\u{201D}") }
            return []
        case .conversationTrashed(let id):
            if case .list(var list) = state.overlay {
                list.entries.removeAll { $0.id == id }
                list.selected = min(list.selected, max(0, list.visibleEntries.count - 1))
                state.overlay = .list(list)
            }
            state.notice = ChatNotice("moved to the trash (restore with: parley history restore \(id))")
            if state.conversation.id == id { startNewConversation(&state, keepNotice: true, now: now) }
            return []
        case .conversationRenamed(let id, let title):
            if state.conversation.id == id { state.conversation.title = title }
            if case .list(var list) = state.overlay, let index = list.entries.firstIndex(where: { $0.id == id }) {
                list.entries[index].title = title
                state.overlay = .list(list)
            }
            return []
        case .schemaChanged(let name):
            state.schema = name
            state.notice = ChatNotice(name.map { "replies follow the schema \($0) (/schema off stops it)" } ?? "replies are free text again")
            return []
        case .personaChanged(let name):
            state.persona = name
            state.conversation.persona = name
            state.notice = ChatNotice("persona: \(name)")
            return []
        case .backendChanged(let info):
            state.backend = info
            state.notice = ChatNotice("backend: \(info.name) · model \(info.model)")
            state.knownModels = [info.model]
            return [.listModels]
        case .modelsListed(let names):
            state.knownModels = Array(Set(names + [state.backend.model])).filter { !$0.isEmpty }.sorted()
            return []
        case .notice(let text):
            state.notice = ChatNotice(text)
            return []
        case .error(let text):
            state.notice = ChatNotice(text, isError: true)
            return []
        case .terminate:
            state.shouldQuit = true
            return state.isBusy ? [.cancelTurn, .quit] : [.quit]
        case .decisionLoaded, .decisionPrompt, .decisionStage, .decisionPartial, .decisionFinished, .decisionFailed:
            return reduceDecisionEvent(&state, event, now: now)
        case .draftLoaded, .draftTurnFinished:
            return reduceWriteEvent(&state, event, now: now)
        case .saveRefused(let path, let text, let what):
            state.overlay = .confirm(
                question: "\(path) exists. Replace it with \(what.noun)? (y/n)", action: .overwrite(path: path, text: text, what: what))
            return []
        case .textSaved(let path, let what):
            state.notice = ChatNotice(what.savedNotice(path))
            return []
        case .idealEdited(let conversationID, let messageID, let version, let original, let edited):
            return idealEdited(&state, conversationID: conversationID, messageID: messageID, version: version, original: original, edited: edited, now: now)
        case .pictureProgress, .pictureFinished, .pictureFailed, .lorasListed, .imageModelsListed:
            return reducePictureEvent(&state, event, now: now)
        }
    }

    // MARK: - Input

    private func handleInput(_ state: inout ChatState, _ input: InputEvent, now: Date) -> [ChatEffect] {
        if case .key(let key) = input, key != .ctrl("c") { state.quitArmed = false }
        switch state.overlay {
        case .help:
            switch input {
            case .key(.up), .wheel(up: true): state.helpOffset = max(0, state.helpOffset - 1)
            case .key(.down), .wheel(up: false):
                state.helpOffset = min(HelpView.lineCount(screenWidth: state.width), state.helpOffset + 1)
            case .key(.pageUp): state.helpOffset = max(0, state.helpOffset - 10)
            case .key(.pageDown): state.helpOffset = min(HelpView.lineCount(screenWidth: state.width), state.helpOffset + 10)
            case .key(let key) where [.escape, .function(1), .character("q"), .enter, .character("?"), .ctrl("c")].contains(key):
                state.overlay = .none
            default: break
            }
            return []
        case .confirm(_, let action):
            state.overlay = .none
            if case .overwrite(let path, _, _) = action, input != .key(.character("y")), input != .key(.character("Y")) {
                state.notice = ChatNotice("left \(path) as it was")
                return []
            }
            if case .key(.character(let c)) = input, c == "y" || c == "Y" {
                switch action {
                case .overwrite(let path, let text, let what):
                    return [.saveText(text: text, path: path, overwrite: true, what: what)]
                case .trash(let id, let reopenList):
                    if reopenList {
                        var list = ConversationListState()
                        list.isLoading = true
                        state.overlay = .list(list)
                        return [.trashConversation(id: id), .listConversations]
                    }
                    return [.trashConversation(id: id)]
                }
            }
            state.notice = ChatNotice("nothing was deleted")
            return []
        case .list(var list):
            return handleListInput(&state, &list, input, now: now)
        case .writeForm(var form):
            return handleWriteFormInput(&state, &form, input, now: now)
        case .templatePicker(var picker):
            return handleTemplatePickerInput(&state, &picker, input, now: now)
        case .none:
            break
        }
        if case .key(let key) = input { _ = write(&state, .key(key)) }
        switch input {
        case .paste(let text):
            state.historyIndex = nil
            state.input.insert(text)
            if text.utf8.count > 64 * 1024 {
                state.notice = ChatNotice("pasted \(ChatReducer.formatBytes(text.utf8.count))")
            }
            return []
        case .wheel(let up):
            scroll(&state, by: up ? 3 : -3)
            return []
        case .unknown:
            return []
        case .key(let key):
            return handleKey(&state, key, now: now)
        }
    }

    private func handleKey(_ state: inout ChatState, _ key: Key, now: Date) -> [ChatEffect] {
        let geometry = ScreenGeometry(state)
        switch key {
        case .ctrl("c"):
            if state.isBusy { return [.cancelTurn] }
            if !state.input.isEmpty {
                state.input.clear()
                state.editingMessageID = nil
                state.historyIndex = nil
                return []
            }
            if state.quitArmed {
                state.shouldQuit = true
                return [.quit]
            }
            state.quitArmed = true
            state.notice = ChatNotice("press Ctrl-C again to quit (Ctrl-D also quits)")
            return []
        case .ctrl("d"):
            if state.input.isEmpty {
                state.shouldQuit = true
                return state.isBusy ? [.cancelTurn, .quit] : [.quit]
            }
            state.input.deleteForward()
            return []
        case .function(1):
            openHelp(&state)
            return []
        case .function(2), .ctrl("b"):
            state.overlay = .list(ConversationListState())
            return [.listConversations]
        case .function(3):
            if state.panel == nil {
                state.notice = ChatNotice("no panel in \(state.conversation.mode.rawValue) mode: /mode decide or /mode write opens one")
            } else {
                state.panelFullScreen.toggle()
                clampScroll(&state)
            }
            return []
        case .ctrl("n"):
            if let refusal = CommandRequirements.of(.new).refusal(state, command: SlashCommandKind.new.rawValue) {
                state.notice = refusal
                return []
            }
            startNewConversation(&state, keepNotice: false, now: now)
            return []
        case .ctrl("l"):
            return []
        case .ctrl("t"):
            toggleReasoning(&state)
            return []
        case .pageUp:
            if geometry.transcriptWidth == 0 { scrollPanel(&state, by: -geometry.page) } else { scroll(&state, by: geometry.page) }
            return []
        case .pageDown:
            if geometry.transcriptWidth == 0 { scrollPanel(&state, by: geometry.page) } else { scroll(&state, by: -geometry.page) }
            return []
        case .ctrlHome:
            scroll(&state, by: Int.max / 4)
            return []
        case .ctrlEnd:
            state.scrollOffset = 0
            return []
        case .escape:
            if state.replyCursor != nil {
                state.replyCursor = nil
                state.notice = nil
            } else if state.editingMessageID != nil {
                state.editingMessageID = nil
                state.input.clear()
                state.notice = ChatNotice("edit cancelled")
            } else {
                state.scrollOffset = 0
                state.notice = nil
            }
            return []
        case .altPageUp, .altPageDown:
            return write(&state, .page(by: key == .altPageDown ? 1 : -1)) ?? []
        case .altUp, .altDown:
            moveReplyCursor(&state, earlier: key == .altUp)
            return []
        case .alt("="), .alt("+"), .alt("-"):
            // The keys are `/rate up` and `/rate down`, with the same requirements.
            return run(.rate(key == .alt("-") ? .down : .up, note: nil), &state, now: now)
        case .altLeft, .altRight, .alt(","), .alt("."):
            return pageAlternative(&state, forward: key == .altRight || key == .alt("."))
        case .enter:
            return submit(&state, now: now)
        case .ctrlJ, .altEnter:
            state.input.newline()
            return []
        case .tab:
            if let effects = completePicture(&state) { return effects }
            complete(&state)
            return []
        case .character("?") where state.input.isEmpty:
            openHelp(&state)
            return []
        case .character(let c):
            state.input.insert(c)
            return []
        case .backspace: state.input.backspace()
        case .delete: state.input.deleteForward()
        case .left: state.input.moveLeft()
        case .right: state.input.moveRight()
        case .home, .ctrl("a"): state.input.moveHome()
        case .end, .ctrl("e"): state.input.moveEnd()
        case .ctrlLeft, .alt("b"): state.input.moveWordLeft()
        case .ctrlRight, .alt("f"): state.input.moveWordRight()
        case .ctrl("u"): state.input.deleteToLineStart()
        case .ctrl("k"): state.input.deleteToLineEnd()
        case .ctrl("w"), .altBackspace: state.input.deleteWordBackward()
        case .up:
            if state.input.moveUp() { return [] }
            if state.input.isEmpty && state.historyIndex == nil && state.editingMessageID == nil && !state.isBusy {
                if beginEdit(&state) { return [] }
            }
            recallHistory(&state, older: true)
        case .down:
            if state.input.moveDown() { return [] }
            recallHistory(&state, older: false)
        default:
            return []
        }
        return []
    }

    // MARK: - Sending and commands

    private func submit(_ state: inout ChatState, now: Date) -> [ChatEffect] {
        guard !state.input.isEmpty else { return [] }
        if state.input.lines.count == 1, state.input.firstLine.hasPrefix("/"), !state.input.firstLine.hasPrefix("//") {
            let line = state.input.firstLine
            switch SlashCommand.parse(line) {
            case .failure(let error):
                state.notice = ChatNotice(error.description, isError: true)
                return []
            case .success(let command):
                state.inputHistory.append(line)
                state.historyIndex = nil
                state.input.clear()
                return run(command, &state, now: now)
            }
        }
        var text = state.input.text
        if text.hasPrefix("//") { text.removeFirst() }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [] }
        if refusesNewTurn(&state) { return [] }
        let bytes = state.input.byteCount
        if bytes > state.maxMessageBytes {
            state.notice = ChatNotice(
                "the message is \(ChatReducer.formatBytes(bytes)); the limit is \(ChatReducer.formatBytes(state.maxMessageBytes)): shorten it",
                isError: true)
            return []
        }
        let tokens = TokenEstimator.estimate(text)
        if tokens > state.backend.contextSize {
            state.notice = ChatNotice(
                "the message is about \(tokens) tokens but \(state.backend.model)'s context holds \(state.backend.contextSize): shorten it",
                isError: true)
            return []
        }
        if let effects = askDecisionQuestion(text, &state, now: now) { return effects }
        if let effects = reviseDraftIfWriting(&state, text, now: now) { return effects }
        let replacing = state.editingMessageID
        if let replacing, let index = state.conversation.messages.firstIndex(where: { $0.id == replacing }) {
            state.conversation.messages.removeSubrange(index...)
        }
        state.editingMessageID = nil
        if state.inputHistory.last != text { state.inputHistory.append(text) }
        state.historyIndex = nil
        state.input.clear()
        state.notice = nil
        state.scrollOffset = 0
        state.lastRate = nil
        appendPending(&state, text: text, now: now)
        return [.send(
            text: text, conversationID: state.isStored ? state.conversation.id : nil, persona: state.persona,
            mode: state.conversation.mode, replacingFrom: replacing)]
    }

    func appendPending(_ state: inout ChatState, text: String, now: Date) {
        state.conversation.messages.append(Message(id: makeID(), role: .user, content: text, createdAt: now))
        state.conversation.messages.append(
            Message(id: makeID(), role: .assistant, content: "", createdAt: now, status: .streaming, backend: state.backend.name, model: state.backend.model))
        state.contextTokens = ChatState.estimateContext(state.conversation)
        state.phase = .waiting(since: now)
    }

    /// Runs a command once the table (`CommandRequirements`) lets it: what it needs is checked
    /// here, for every command alike, and not again below.
    func run(_ command: SlashCommand, _ state: inout ChatState, now: Date) -> [ChatEffect] {
        if let refusal = CommandRequirements.of(command.kind).refusal(state, command: command.kind.rawValue) {
            state.notice = refusal
            return []
        }
        switch command {
        case .new:
            startNewConversation(&state, keepNotice: false, now: now)
            return []
        case .help:
            openHelp(&state)
            return []
        case .quit:
            state.shouldQuit = true
            return state.isBusy ? [.cancelTurn, .quit] : [.quit]
        case .write, .version, .diff, .save:
            return runWrite(command, &state, now: now)
        case .rate(let rating, let note):
            return rate(&state, rating, note: note, now: now)
        case .prefer(let version):
            return prefer(&state, version: version, now: now)
        case .ideal:
            return openIdealEditor(&state)
        case .image(let order):
            return makePicture(order, &state, now: now)
        case .open:
            return openNewestPicture(&state)
        case .title(let title):
            state.conversation.title = title
            state.notice = ChatNotice("renamed to \u{201C}\(title)\u{201D}")
            return state.isStored ? [.renameConversation(id: state.conversation.id, title: title)] : createNow(&state)
        case .mode(let mode):
            // A decision flow belongs to the mode it started in (the table has refused a running reply).
            if state.decisionPanel?.isRunning == true { state.notice = ChatReducer.busyNotice; return [] }
            // Each mode's panel closes when another mode is chosen; decide and write open their own.
            if state.decisionPanel != nil || mode != .write { closePanel(&state) }
            if mode == .decide { return enterDecideMode(&state, now: now) }
            state.conversation.mode = mode
            state.notice = ChatNotice("mode: \(mode.rawValue)")
            if mode == .write { enterWriteMode(&state) }
            return state.isStored ? [.setMode(conversationID: state.conversation.id, mode: mode)] : []
        case .system(let text):
            state.conversation.messages.append(Message(id: makeID(), role: .system, content: text, createdAt: now))
            state.contextTokens = ChatState.estimateContext(state.conversation)
            state.notice = ChatNotice("system instruction added")
            if state.isStored { return [.addSystemMessage(conversationID: state.conversation.id, text: text)] }
            return createNow(&state)
        case .schema(let path):
            return [.setSchema(path: path)]
        case .persona(let name):
            return [.setPersona(name, conversationID: state.isStored ? state.conversation.id : nil)]
        case .backend(let name):
            return [.setBackend(name)]
        case .model(let name):
            return [.setModel(name)]
        case .lora(let spec):
            return [.setLoRA(spec)]
        case .retry:
            if refuseRetryOfADraft(&state) { return [] }
            let messages = state.conversation.messages
            guard state.isStored, let replyIndex = messages.lastIndex(where: { $0.role == .assistant }),
                let userIndex = messages[..<replyIndex].lastIndex(where: { $0.role == .user }), replyIndex == messages.count - 1
            else {
                state.notice = ChatNotice("nothing to retry yet", isError: true)
                return []
            }
            let reply = messages[replyIndex]
            var versions = reply.alternatives ?? []
            if !reply.content.isEmpty && !versions.contains(reply.content) { versions.append(reply.content) }
            let text = messages[userIndex].content
            state.conversation.messages.removeSubrange(userIndex...)
            state.scrollOffset = 0
            state.notice = nil
            appendPending(&state, text: text, now: now)
            state.replyCursor = nil
            return [.retry(
                conversationID: state.conversation.id, userMessageID: messages[userIndex].id, text: text, previousVersions: versions,
                previousReply: reply)]
        case .edit:
            if !beginEdit(&state) { state.notice = ChatNotice("no message of yours to edit yet", isError: true) }
            return []
        case .export(let format, let path):
            // In decide mode the decision is what is on screen: its report (md) or record (json).
            if state.conversation.mode == .decide, let effects = decide(&state, .export(format: format, path: path), now: now), !effects.isEmpty {
                return effects
            }
            guard !state.conversation.messages.isEmpty else {
                state.notice = ChatNotice("nothing to export yet", isError: true)
                return []
            }
            return [.export(conversation: state.conversation, format: format, path: path)]
        case .search(let text):
            var list = ConversationListState()
            list.searchQuery = text
            state.overlay = .list(list)
            return [.search(text)]
        case .delete:
            guard state.isStored else {
                state.notice = ChatNotice("this conversation is not saved yet; nothing to delete", isError: true)
                return []
            }
            state.overlay = .confirm(
                question: "Move \u{201C}\(state.conversation.displayTitle)\u{201D} to the trash? (y/n)",
                action: .trash(id: state.conversation.id, reopenList: false))
            return []
        case .decisionEdit, .decide, .outcome:
            return runDecide(command, &state, now: now)
        case .think:
            toggleReasoning(&state)
            return []
        case .copy:
            // In write mode the draft is what is on screen: the version shown.
            if state.conversation.mode == .write, let effects = write(&state, .copy), !effects.isEmpty { return effects }
            guard let reply = state.conversation.messages.last(where: { $0.role == .assistant && !$0.content.isEmpty }) else {
                state.notice = ChatNotice("no reply to copy yet", isError: true)
                return []
            }
            state.notice = ChatNotice("copied the last reply (\(reply.content.count) characters) to the clipboard")
            return [.copyToClipboard(reply.content)]
        }
    }

    /// Changes the streaming reply; when scrolled up, keeps the same lines on screen while it grows below.
    private func grow(_ state: inout ChatState, at index: Int, _ change: (inout Message) -> Void) {
        let width = state.transcriptWidth
        let show = state.showsReasoning
        let before = state.scrollOffset > 0 ? layout.lines(for: state.conversation.messages[index], width: width, showReasoning: show).count : 0
        change(&state.conversation.messages[index])
        if state.scrollOffset > 0 {
            state.scrollOffset += layout.lines(for: state.conversation.messages[index], width: width, showReasoning: show).count - before
        }
    }

    private func toggleReasoning(_ state: inout ChatState) {
        state.showsReasoning.toggle()
        let any = state.conversation.messages.contains { !($0.reasoning ?? "").isEmpty }
        state.notice = ChatNotice(
            (state.showsReasoning ? "reasoning shown in full" : "reasoning folded to one line") + (any ? "" : " (no reply here has any yet)"))
        clampScroll(&state)
    }

    private func openHelp(_ state: inout ChatState) {
        state.overlay = .help
        state.helpOffset = 0
    }

    private func createNow(_ state: inout ChatState) -> [ChatEffect] {
        state.isStored = true
        return [.createConversation(state.conversation)]
    }

    private func startNewConversation(_ state: inout ChatState, keepNotice: Bool, now: Date) {
        state.conversation = Conversation(id: makeID(), createdAt: now, persona: state.persona)
        state.isStored = false
        state.isReadOnly = false
        state.scrollOffset = 0
        state.editingMessageID = nil
        state.replyCursor = nil
        state.contextTokens = 0
        state.lastRate = nil
        closePanel(&state)
        if !keepNotice { state.notice = ChatNotice("new conversation") }
    }

    /// Puts the last user message into the input to be edited and resent.
    ///
    /// Not in decide mode (its user messages are the flow's prompts; the matrix is edited with
    /// commands) and not for a draft (its last message holds the whole draft): there the last change
    /// request comes back as a new revision instead.
    private func beginEdit(_ state: inout ChatState) -> Bool {
        if state.conversation.mode == .decide, state.decisionPanel != nil {
            state.notice = ChatNotice("in decide mode change the matrix with /option, /criterion and /score; /decide QUESTION asks a new question")
            return true
        }
        if state.conversation.mode == .write, let draft = state.draftPanel?.draft {
            if draft.currentNumber > 1 {
                state.input.set(draft.current.instruction)
                state.notice = ChatNotice("your last change request: Enter asks for it again as a new version")
            } else {
                state.notice = ChatNotice("type a change (\u{201C}shorter\u{201D}) to revise the draft")
            }
            return true
        }
        guard state.isStored, let message = state.conversation.messages.last(where: { $0.role == .user }) else { return false }
        state.input.set(message.content)
        state.editingMessageID = message.id
        state.notice = ChatNotice("editing your last message: Enter resends it (the reply after it is replaced), Esc cancels")
        return true
    }

    private func recallHistory(_ state: inout ChatState, older: Bool) {
        guard !state.inputHistory.isEmpty else { return }
        state.editingMessageID = nil
        if older {
            let index: Int
            if let current = state.historyIndex {
                index = max(0, current - 1)
            } else {
                state.draftBeforeHistory = state.input.text
                index = state.inputHistory.count - 1
            }
            state.historyIndex = index
            state.input.set(state.inputHistory[index])
        } else {
            guard let current = state.historyIndex else { return }
            if current + 1 < state.inputHistory.count {
                state.historyIndex = current + 1
                state.input.set(state.inputHistory[current + 1])
            } else {
                state.historyIndex = nil
                state.input.set(state.draftBeforeHistory)
            }
        }
    }

    private func complete(_ state: inout ChatState) {
        guard state.input.lines.count == 1, state.input.firstLine.hasPrefix("/") else {
            state.input.insert("    ")
            return
        }
        guard let result = SlashCompleter.complete(
            state.input.firstLine, personas: state.knownPersonas, backends: state.knownBackends, models: state.knownModels,
            decision: state.decisionPanel?.record, templates: state.templates.map(\.name))
        else {
            state.notice = ChatNotice("no completion", isError: true)
            return
        }
        state.input.set(result.line)
        state.notice = result.candidates.count > 1 ? ChatNotice(result.candidates.joined(separator: "  ")) : nil
    }

    private func pageAlternative(_ state: inout ChatState, forward: Bool) -> [ChatEffect] {
        guard !state.isBusy, let index = state.conversation.messages.indices.last,
            state.conversation.messages[index].role == .assistant,
            let versions = state.conversation.messages[index].alternatives, versions.count > 1
        else { return [] }
        let message = state.conversation.messages[index]
        let current = versions.firstIndex(of: message.content) ?? versions.count - 1
        let next = forward ? current + 1 : current - 1
        guard versions.indices.contains(next) else { return [] }
        state.conversation.messages[index].content = versions[next]
        state.contextTokens = ChatState.estimateContext(state.conversation)
        return [.chooseAlternative(conversationID: state.conversation.id, messageID: message.id, content: versions[next])]
    }

    // MARK: - Conversation list

    private func handleListInput(_ state: inout ChatState, _ list: inout ConversationListState, _ input: InputEvent, now: Date) -> [ChatEffect] {
        defer { if case .list = state.overlay { state.overlay = .list(list) } }
        if var editor = list.renaming {
            switch input {
            case .key(.enter):
                let title = editor.text.trimmingCharacters(in: .whitespacesAndNewlines)
                list.renaming = nil
                let entries = list.visibleEntries
                guard !title.isEmpty, entries.indices.contains(list.selected) else { return [] }
                return [.renameConversation(id: entries[list.selected].id, title: title)]
            case .key(.escape), .key(.ctrl("c")):
                list.renaming = nil
            case .key(.backspace): editor.backspace(); list.renaming = editor
            case .key(.character(let c)): editor.insert(c); list.renaming = editor
            case .paste(let text): editor.insert(text.replacingOccurrences(of: "\n", with: " ")); list.renaming = editor
            case .key(.left): editor.moveLeft(); list.renaming = editor
            case .key(.right): editor.moveRight(); list.renaming = editor
            default: break
            }
            return []
        }
        let entries = list.visibleEntries
        switch input {
        case .key(let key):
            switch key {
            case .escape, .function(2), .ctrl("b"), .ctrl("c"):
                state.overlay = .none
                return []
            case .up: list.selected = max(0, list.selected - 1)
            case .down: list.selected = min(max(0, entries.count - 1), list.selected + 1)
            case .pageUp: list.selected = max(0, list.selected - 10)
            case .pageDown: list.selected = min(max(0, entries.count - 1), list.selected + 10)
            case .enter:
                guard entries.indices.contains(list.selected) else { return [] }
                if state.isBusy {
                    state.notice = ChatReducer.busyNotice
                    return []
                }
                state.overlay = .none
                return [.openConversation(id: entries[list.selected].id)]
            case .ctrl("n"):
                if state.isBusy { return [] }
                state.overlay = .none
                startNewConversation(&state, keepNotice: false, now: now)
                return []
            case .ctrl("r"), .function(6):
                guard entries.indices.contains(list.selected) else { return [] }
                list.renaming = InputEditor(entries[list.selected].title)
            case .delete, .ctrl("d"):
                guard entries.indices.contains(list.selected) else { return [] }
                let entry = entries[list.selected]
                state.overlay = .confirm(
                    question: "Move \u{201C}\(entry.title)\u{201D} to the trash? (y/n)", action: .trash(id: entry.id, reopenList: true))
            case .backspace:
                list.filter.backspace()
                list.selected = 0
            case .character(let c):
                list.filter.insert(c)
                list.selected = 0
            case .ctrl("u"):
                list.filter.clear()
                list.selected = 0
            case .function(1):
                openHelp(&state)
            default: break
            }
        case .paste(let text):
            list.filter.insert(text.replacingOccurrences(of: "\n", with: " "))
            list.selected = 0
        case .wheel(let up):
            list.selected = up ? max(0, list.selected - 1) : min(max(0, entries.count - 1), list.selected + 1)
        case .unknown:
            break
        }
        return []
    }

    // MARK: - Scrolling

    private func scroll(_ state: inout ChatState, by rows: Int) {
        state.scrollOffset = max(0, state.scrollOffset + rows)
        clampScroll(&state)
    }

    /// Scrolls the side panel down by `rows` (up when negative), no further than its last page.
    func scrollPanel(_ state: inout ChatState, by rows: Int) {
        guard let current = state.panel else { return }
        let scroll = SidePanelView.clampedScroll(current, ScreenGeometry(state), wanted: SidePanelView.scrollOffset(current) + rows)
        switch current {
        case .decision(var panel):
            panel.scroll = scroll
            state.panel = .decision(panel)
        case .draft(var panel):
            panel.scroll = scroll
            state.panel = .draft(panel)
        }
    }

    /// Keeps the offset within the transcript, laying out only as far back as the offset reaches.
    func clampScroll(_ state: inout ChatState) {
        guard state.scrollOffset > 0 else { return }
        let geometry = ScreenGeometry(state)
        guard !geometry.tooSmall, geometry.transcriptWidth > 0 else { return }
        layout.fitPictures(toTranscriptHeight: geometry.transcriptHeight)
        let needed = state.scrollOffset + geometry.transcriptHeight
        let total = layout.lineCount(
            of: state.conversation.messages, width: geometry.transcriptWidth, upTo: needed, showReasoning: state.showsReasoning,
            selected: state.replyCursor)
        state.scrollOffset = max(0, min(state.scrollOffset, total - geometry.transcriptHeight))
    }

    static func formatBytes(_ bytes: Int) -> String {
        if bytes >= 1 << 20 { return String(format: "%.1f MB", Double(bytes) / Double(1 << 20)) }
        if bytes >= 1024 { return String(format: "%.0f KB", Double(bytes) / 1024) }
        return "\(bytes) bytes"
    }
}
