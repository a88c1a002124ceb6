import Foundation
import ParleyCore
import ParleyStore

/// A piece of writing in progress: the template and values it came from and every version made so
/// far, one of which is current. All operations are pure value changes; storing and generating are
/// done by `DraftStore` and `DraftWriter`, so a TUI can page and diff without touching the disk.
///
/// Version numbers shown to users start at 1; `currentIndex` is the 0-based index of the current one.
public struct Draft: ConversationDocument, Equatable, Identifiable {
    public static let currentSchemaVersion = 1
    public static let kindName = "draft"

    public var schemaVersion: Int
    public var id: String
    public var title: String
    public var template: String
    public var kind: TemplateKind
    /// The field values the first version was written from.
    public var fields: [String: String]
    public var controls: WritingControls
    /// Never empty: a draft exists once its first version does.
    public private(set) var versions: [DraftVersion]
    public private(set) var currentIndex: Int
    /// The write-mode conversation holding the exchanges, so they show in the user's history.
    public var conversationID: String?
    public var createdAt: Date
    public var updatedAt: Date

    /// Starts a draft from its first generation.
    public init(
        id: String = Identifier.make(), template: WritingTemplate, filled: FilledTemplate, first: DraftVersion,
        conversationID: String? = nil
    ) {
        schemaVersion = Self.currentSchemaVersion
        self.id = id
        self.template = template.name
        kind = template.kind
        fields = filled.values
        controls = filled.controls
        versions = [first]
        currentIndex = 0
        self.conversationID = conversationID
        createdAt = first.createdAt
        updatedAt = first.createdAt
        title = Self.title(template: template, values: filled.values)
    }

    /// A title from the template name and its first field's value ("email: Sam — rent is late").
    static func title(template: WritingTemplate, values: [String: String]) -> String {
        let first = template.fields.lazy.compactMap { values[$0.name] }.first { !$0.isEmpty }
        guard let first else { return template.name }
        return template.name + ": " + Conversation.suggestedTitle(from: first, limit: 50)
    }

    // MARK: - Versions

    public var current: DraftVersion { versions[currentIndex] }
    /// The current version's number, from 1.
    public var currentNumber: Int { currentIndex + 1 }
    public var versionCount: Int { versions.count }

    /// Adds a revision and makes it current.
    public mutating func addRevision(_ version: DraftVersion) {
        versions.append(version)
        currentIndex = versions.count - 1
        updatedAt = max(updatedAt, version.createdAt)
    }

    /// The version with this number (from 1).
    public func version(_ number: Int) throws -> DraftVersion {
        guard versions.indices.contains(number - 1) else { throw DraftError.noSuchVersion(draft: id, number: number, count: versions.count) }
        return versions[number - 1]
    }

    /// Makes the version with this number (from 1) current.
    public mutating func select(version number: Int) throws {
        _ = try version(number)
        currentIndex = number - 1
    }

    /// Moves the current version by `offset` (-1 for the previous, +1 for the next), stopping at
    /// the first and last. Returns whether it moved.
    @discardableResult
    public mutating func page(by offset: Int) -> Bool {
        let target = min(max(currentIndex + offset, 0), versions.count - 1)
        defer { currentIndex = target }
        return target != currentIndex
    }

    /// The line diff from version `from` to version `to` (numbers from 1).
    public func diff(from: Int, to: Int) throws -> LineDiff {
        LineDiff(from: try version(from).text, to: try version(to).text)
    }

    /// The message that asks for a revision of the current version; `format` is what its
    /// template's structure asks (see `TemplateStructure.summary(values:)`).
    public func revisionPrompt(_ instruction: String, format: String? = nil) -> String {
        RevisionPrompt.make(current: current.text, instruction: instruction, kind: kind, format: format)
    }

    /// The persona a revision is written by: its template's, or, when the template has been
    /// removed since, the one its kind gets (the revision is then only checked for having changed).
    /// `parley write revise` and the chat's `/revise` both ask this.
    public func revisionPersonaName(template: WritingTemplate?) -> String {
        template?.personaName ?? kind.defaultPersona
    }

    // MARK: - Decoding

    /// Keys in camelCase with `Id` (`conversationId`), as in all of Parley's JSON; files written
    /// before said `conversationID`, which is still read.
    private enum CodingKeys: String, CodingKey {
        case schemaVersion, id, title, template, kind, fields, controls, versions, currentIndex, createdAt, updatedAt
        case conversationID = "conversationId"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decode(String.self, forKey: .title)
        template = try c.decode(String.self, forKey: .template)
        kind = try c.decode(TemplateKind.self, forKey: .kind)
        fields = try c.decode([String: String].self, forKey: .fields)
        controls = try c.decode(WritingControls.self, forKey: .controls)
        versions = try c.decode([DraftVersion].self, forKey: .versions)
        guard !versions.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .versions, in: c, debugDescription: "a draft has at least one version")
        }
        // An index out of range (a hand edit) points at the latest version rather than failing.
        let index = try c.decode(Int.self, forKey: .currentIndex)
        currentIndex = versions.indices.contains(index) ? index : versions.count - 1
        conversationID = try c.decodeIfPresent(String.self, forKey: .conversationID)
            ?? decoder.decodeIfPresent(String.self, formerKey: "conversationID")
        createdAt = try c.decode(Date.self, forKey: .createdAt)
        updatedAt = try c.decode(Date.self, forKey: .updatedAt)
    }
}

/// Problems with a draft's versions.
public enum DraftError: UserFacingError, Equatable {
    case noSuchVersion(draft: String, number: Int, count: Int)
    case emptyRevision

    public var description: String {
        switch self {
        case .noSuchVersion(let draft, let number, let count):
            return "draft \(draft) has no version \(number); it has versions 1 to \(count)"
        case .emptyRevision:
            return "say how to revise the draft, e.g. \"shorter\" or \"more formal\""
        }
    }
}
