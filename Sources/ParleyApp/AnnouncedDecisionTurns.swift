import ParleyCore
import ParleyDecide

/// The decision flow's turns with each request announced before it is sent, so the chat screen can
/// show the step (dimmed, as the program's, not the user's) and stream the reply under it.
struct AnnouncedDecisionTurns: DecisionTurns {
    let base: any DecisionTurns
    let announce: @Sendable (DecisionRequest) -> Void

    func ask(_ request: DecisionRequest) async throws -> DecisionTurnReply {
        announce(request)
        return try await base.ask(request)
    }
}
