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
    /// For a template written as JSON: the content the text was laid out from, as JSON in schema
    /// order. A revision edits this under the schema.
    public var json: String?

    public init(
        text: String, instruction: String, createdAt: Date = Date(), backend: String? = nil, model: String? = nil,
        status: MessageStatus = .complete, messageID: String? = nil, notes: [String]? = nil, json: String? = nil
    ) {
        self.text = text
        self.instruction = instruction
        self.createdAt = createdAt
        self.backend = backend
        self.model = model
        self.status = status
        self.messageID = messageID
        self.notes = notes
        self.json = json
    }
}

/// Keys in camelCase with `Id` (`messageId`), as in all of Parley's JSON; drafts written before
/// said `messageID`, which is still read.
extension DraftVersion {
    private enum CodingKeys: String, CodingKey {
        case text, instruction, createdAt, backend, model, status, notes, json
        case messageID = "messageId"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        text = try c.decode(String.self, forKey: .text)
        instruction = try c.decode(String.self, forKey: .instruction)
        createdAt = try c.decode(Date.self, forKey: .createdAt)
        backend = try c.decodeIfPresent(String.self, forKey: .backend)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        status = try c.decode(MessageStatus.self, forKey: .status)
        messageID = try c.decodeIfPresent(String.self, forKey: .messageID)
            ?? decoder.decodeIfPresent(String.self, formerKey: "messageID")
        notes = try c.decodeIfPresent([String].self, forKey: .notes)
        json = try c.decodeIfPresent(String.self, forKey: .json)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(text, forKey: .text)
        try c.encode(instruction, forKey: .instruction)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encodeIfPresent(backend, forKey: .backend)
        try c.encodeIfPresent(model, forKey: .model)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(messageID, forKey: .messageID)
        try c.encodeIfPresent(notes, forKey: .notes)
        try c.encodeIfPresent(json, forKey: .json)
    }
}
