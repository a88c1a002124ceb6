import ParleyCore

/// The voice of a draft.
public enum Tone: String, Codable, Sendable, CaseIterable {
    case neutral, formal, friendly, persuasive, playful
}

/// How long a draft should be.
public enum Length: String, Codable, Sendable, CaseIterable {
    case short, medium, long
}

/// The controls every template has on top of its own fields. A nil control means "the template's
/// default" (tone and length) or "unspecified" (audience and language), so a draft records only what
/// the user chose.
public struct WritingControls: Codable, Sendable, Equatable {
    public var tone: Tone?
    public var length: Length?
    /// Who will read it ("new customers", "the engineering team").
    public var audience: String?
    /// The language of the output ("French"); nil leaves it to the model (usually the request's).
    public var language: String?

    public init(tone: Tone? = nil, length: Length? = nil, audience: String? = nil, language: String? = nil) {
        self.tone = tone
        self.length = length
        self.audience = audience
        self.language = language
    }

    /// Reads a tone typed by a user, case-insensitively.
    public static func tone(parsing text: String) throws -> Tone {
        guard let tone = Tone(rawValue: text.lowercased()) else {
            throw InvalidControl(control: "tone", value: text, allowed: Tone.allCases.map(\.rawValue))
        }
        return tone
    }

    /// Reads a length typed by a user, case-insensitively.
    public static func length(parsing text: String) throws -> Length {
        guard let length = Length(rawValue: text.lowercased()) else {
            throw InvalidControl(control: "length", value: text, allowed: Length.allCases.map(\.rawValue))
        }
        return length
    }

    public struct InvalidControl: UserFacingError, Equatable {
        public var control: String
        public var value: String
        public var allowed: [String]
        public var description: String {
            "unknown \(control) '\(value)'; use one of: \(allowed.joined(separator: ", "))"
        }
    }
}
