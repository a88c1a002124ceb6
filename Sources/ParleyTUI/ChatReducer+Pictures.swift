import Foundation
import ParleyCore

/// `/image` and `/open`: a picture is made like a turn (the screen is busy, Ctrl-C stops it), then
/// the command and a reply holding the picture join the conversation.
extension ChatReducer {
    func makePicture(_ order: PictureOrder, _ state: inout ChatState, now: Date) -> [ChatEffect] {
        // What was typed, from the history the submit has just added it to.
        let request = state.inputHistory.last ?? "/image " + order.prompt
        state.conversation.messages.append(Message(id: makeID(), role: .user, content: request, createdAt: now))
        state.conversation.messages.append(Message(id: makeID(), role: .assistant, content: "", createdAt: now, status: .streaming))
        state.phase = .drawing(since: now, fraction: nil)
        state.scrollOffset = 0
        state.lastRate = nil
        state.notice = ChatNotice("drawing \u{201C}\(order.prompt)\u{201D}… (Ctrl-C stops it)")
        return [.makePicture(
            order, request: request, conversationID: state.isStored ? state.conversation.id : nil, persona: state.persona,
            mode: state.conversation.mode)]
    }

    func openNewestPicture(_ state: inout ChatState) -> [ChatEffect] {
        guard let name = state.conversation.messages.last(where: { $0.picture != nil })?.picture else {
            state.notice = ChatNotice("no picture in this conversation yet: /image PROMPT draws one", isError: true)
            return []
        }
        return [.openPicture(name)]
    }

    func reducePictureEvent(_ state: inout ChatState, _ event: ChatEvent, now: Date) -> [ChatEffect] {
        switch event {
        case .pictureProgress(let fraction):
            guard case .drawing(let since, _) = state.phase else { return [] }
            state.phase = .drawing(since: since, fraction: min(1, max(0, fraction)))
        case .pictureFinished(let conversation):
            guard case .drawing = state.phase else { return [] }
            state.phase = .idle
            state.conversation = conversation
            state.isStored = true
            state.contextTokens = ChatState.estimateContext(conversation)
            state.notice = conversation.messages.last?.picture.map { ChatNotice("saved images/\($0) (/open shows it full size)") }
            clampScroll(&state)
        case .pictureFailed(let reason):
            guard case .drawing = state.phase else { return [] }
            state.phase = .idle
            // The pending command and placeholder go: nothing was stored.
            if state.conversation.messages.last?.status == .streaming { state.conversation.messages.removeLast() }
            if state.conversation.messages.last?.role == .user, state.conversation.messages.last?.content.hasPrefix("/im") == true {
                state.conversation.messages.removeLast()
            }
            state.contextTokens = ChatState.estimateContext(state.conversation)
            state.notice = ChatNotice(reason, isError: true)
            clampScroll(&state)
        case .lorasListed(let names):
            state.knownLoras = Array(Set(names)).filter { !$0.isEmpty }.sorted()
        case .imageModelsListed(let names):
            state.knownImageModels = Array(Set(names)).filter { !$0.isEmpty }.sorted()
        default:
            break
        }
        return []
    }

    /// Tab on an `/image` line: the value of `--model` from the server's checkpoints or models,
    /// else LoRA names (each list asked of the server the first time it is needed). Nil for other
    /// lines.
    func completePicture(_ state: inout ChatState) -> [ChatEffect]? {
        let line = state.input.firstLine
        guard state.input.lines.count == 1, line.hasPrefix("/image ") || line.hasPrefix("/img ") else { return nil }
        if let typed = SlashCompleter.imageModelBeingTyped(line) {
            if state.knownImageModels.isEmpty {
                state.notice = ChatNotice("asking the image server for its models… (Tab again in a moment)")
                return [.listImageNames]
            }
            let all = SlashCompleter.imageModelCandidates(line, models: state.knownImageModels)
            guard !all.isEmpty else {
                state.notice = ChatNotice("no model of the image server starts with \u{201C}\(typed)\u{201D}", isError: true)
                return []
            }
            completeWithCommonPrefix(&state, line: line, all) { SlashCompleter.imageModelBeingTyped($0) ?? $0 }
            return []
        }
        let lastWord = line.split(whereSeparator: \.isWhitespace).last.map(String.init) ?? ""
        let all = SlashCompleter.loraCandidates(line, loras: state.knownLoras)
        if all.isEmpty {
            if lastWord.lowercased().hasPrefix("<lora:"), state.knownLoras.isEmpty {
                state.notice = ChatNotice("asking the image server for its LoRAs… (Tab again in a moment)")
                return [.listImageNames]
            }
            state.notice = ChatNotice(
                lastWord.hasPrefix("<") ? "no LoRA starts with that" : "Tab completes LoRA names after <lora: and models after --model",
                isError: true)
            return []
        }
        // Only the tags, not the whole lines (a prompt is long).
        completeWithCommonPrefix(&state, line: line, all) { $0.split(whereSeparator: \.isWhitespace).last.map(String.init) ?? $0 }
        return []
    }

    /// Puts the longest common start of the candidate lines into the input; with several, the
    /// notice lists the part of each that `shown` picks out.
    private func completeWithCommonPrefix(_ state: inout ChatState, line: String, _ all: [String], shown: (String) -> String) {
        var common = all[0]
        for candidate in all.dropFirst() {
            while !candidate.lowercased().hasPrefix(common.lowercased()) { common.removeLast() }
        }
        if common.count > line.count { state.input.set(common) }
        state.notice = all.count > 1 ? ChatNotice(all.map(shown).joined(separator: "  ")) : nil
    }
}
