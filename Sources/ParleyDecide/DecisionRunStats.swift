import Foundation

/// What one run of the decision flow cost: model calls, tokens (as the backend reported them) and
/// wall time. Kept on the record so `decide --json` and the usefulness benchmark can read it.
public struct DecisionRunStats: Codable, Sendable, Equatable {
    public var modelCalls: Int
    public var promptTokens: Int
    public var completionTokens: Int
    public var seconds: Double

    public init(modelCalls: Int = 0, promptTokens: Int = 0, completionTokens: Int = 0, seconds: Double = 0) {
        self.modelCalls = modelCalls
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.seconds = seconds
    }
}
