import ParleyCore
import ParleyDecide

/// The decision flow's turns with each prompt announced before it is sent, so the chat screen can
/// show the prompt in the transcript and stream the reply under it.
struct AnnouncedDecisionTurns: DecisionTurns {
    let base: any DecisionTurns
    let announce: @Sendable (String) -> Void

    func ask(_ prompt: String, maxTokens: Int, examples: [ChatMessage]?) async throws -> DecisionTurnReply {
        announce(prompt)
        return try await base.ask(prompt, maxTokens: maxTokens, examples: examples)
    }
}
