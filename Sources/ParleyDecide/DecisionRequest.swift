import Foundation
import StructuredOutput

/// One question of the decision flow to the model: the prompt, its token cap, the JSON schema the
/// answer must follow (nil: free text), and the one-line step shown to the user while it runs
/// ("asking for criteria…"), which is also how the stored prompt is labelled as the flow's own.
public struct DecisionRequest: Sendable, Equatable {
    public var prompt: String
    public var maxTokens: Int
    public var schema: JSONValue?
    public var step: String

    public init(prompt: String, maxTokens: Int, schema: JSONValue? = nil, step: String) {
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.schema = schema
        self.step = step
    }
}
