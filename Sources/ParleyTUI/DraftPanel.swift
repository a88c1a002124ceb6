import ParleyWrite

/// What the draft panel shows: the draft with the version being looked at, and optionally the
/// line diff from another version to it.
public struct DraftPanel: Sendable, Equatable {
    public var draft: Draft
    /// Text of a version while it streams in (nil when nothing streams).
    public var streaming: String?
    /// The version number the diff starts from; nil shows the text itself.
    public var diffFrom: Int?
    /// Rows the panel is scrolled down.
    public var scroll = 0

    public init(draft: Draft) {
        self.draft = draft
    }
}
