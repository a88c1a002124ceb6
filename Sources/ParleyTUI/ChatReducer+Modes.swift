import Foundation
import ParleyCore

/// How the chat reducer holds its modes: decide and write each own a panel (`DecideFeature`,
/// `WriteFeature`), which the chat keeps in `ChatState.panel` while that mode has one, and each
/// of their actions reaches the mode through `scope`.
extension ChatReducer {
    /// Runs a mode's reducer on its part of the state: nothing runs, and nil comes back, while
    /// that part is absent (the mode is not on); the step's notice becomes the chat's.
    func scope<Part>(_ state: inout ChatState, _ part: WritableKeyPath<ChatState, Part?>, _ reduce: (inout Part) -> ModeStep) -> [ChatEffect]? {
        guard var child = state[keyPath: part] else { return nil }
        let step = reduce(&child)
        state[keyPath: part] = child
        if let notice = step.notice { state.notice = notice }
        return step.effects
    }

    /// Leaves the mode's panel (another conversation, another mode), with what only it shows.
    func closePanel(_ state: inout ChatState) {
        guard state.panel != nil else { return }
        state.panel = nil
        state.panelFullScreen = false
        switch state.overlay {
        case .writeForm, .templatePicker: state.overlay = .none
        default: break
        }
    }

    /// After a conversation is opened: its mode's panel, with the decision or draft stored with
    /// it asked for; a panel left from the last conversation closes.
    func panelAfterLoading(_ state: inout ChatState, now: Date) -> [ChatEffect] {
        closePanel(&state)
        switch state.conversation.mode {
        case .decide:
            state.decisionPanel = decideFeature.newPanel(decideEnvironment(state, now: now))
            return [.loadDecision(conversationID: state.conversation.id)]
        case .write:
            return [.loadDraft(conversationID: state.conversation.id)]
        case .chat:
            return []
        }
    }

    /// At start-up with a stored conversation (`--conversation`, `--continue`): its mode's panel
    /// as when it is opened from the list.
    public func reopenPanel(_ state: inout ChatState, now: Date) -> [ChatEffect] {
        guard state.isStored else { return [] }
        return panelAfterLoading(&state, now: now)
    }
}
