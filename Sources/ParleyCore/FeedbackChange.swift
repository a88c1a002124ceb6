/// One thing the user says about a reply, from the chat screen or `parley feedback`. Applied to a
/// message by `Message.apply(_:at:)`, the same way in the screen's state and in the stored file.
public enum FeedbackChange: Sendable, Equatable {
    case rate(version: Int, Rating, note: String?)
    /// Choose this version over the others; it becomes the reply the conversation shows.
    case prefer(version: Int)
    /// The answer the user wanted instead of this version.
    case ideal(version: Int, text: String)
}
