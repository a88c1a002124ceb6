import Foundation
import ParleyCore

/// One version of a draft: the text, what produced it and with which model.
public struct DraftVersion: Codable, Sendable, Equatable {
    public var text: String
    /// The instruction that produced it: the filled template for the first version, the user's
    /// revision request ("shorter") for later ones.
    public var instruction: String
    public var createdAt: Date
    public var backend: String?
    public var model: String?
    /// `complete`, or `interrupted`/`failed` when the reply stopped early (the text is what arrived).
    public var status: MessageStatus
    /// The reply in the draft's conversation that holds this text.
    public var messageID: String?
    /// What the checks found wrong with the text that was kept (a sentence copied from the
    /// template's example, a value the draft leaves out, a broken structure rule), one line each;
    /// nil when it passed them all.
    public var notes: [String]?

    public init(
        text: String, instruction: String, createdAt: Date = Date(), backend: String? = nil, model: String? = nil,
        status: MessageStatus = .complete, messageID: String? = nil, notes: [String]? = nil
    ) {
        self.text = text
        self.instruction = instruction
        self.createdAt = createdAt
        self.backend = backend
        self.model = model
        self.status = status
        self.messageID = messageID
        self.notes = notes
    }
}
