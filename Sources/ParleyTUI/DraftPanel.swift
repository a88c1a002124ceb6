import ParleyWrite

/// What the draft panel shows: the draft with the version being looked at (or a version streaming
/// in), or the line diff between two of its versions.
public struct DraftPanel: Sendable, Equatable {
    /// Nil while the first version streams (a draft exists once its first version does).
    public var draft: Draft?
    /// The heading while there is no draft yet (the template's name).
    public var pendingTitle: String
    /// Text of a version while it streams in (nil when nothing streams).
    public var streaming: String?
    /// The versions a diff is shown between (numbers from 1); nil shows the text itself.
    public var diffFrom: Int?
    public var diffTo: Int?
    /// Rows the panel is scrolled down.
    public var scroll = 0

    public init(draft: Draft) {
        self.draft = draft
        pendingTitle = draft.title
    }

    /// A panel waiting for the first version of a draft from `template`.
    public init(writing template: String) {
        draft = nil
        pendingTitle = template
        streaming = ""
    }

    /// True while a version streams in: no other version may be started, paged or saved.
    public var isWriting: Bool { streaming != nil }

    public var isShowingDiff: Bool { diffFrom != nil && diffTo != nil }
}

extension ChatState {
    /// The draft panel when write mode has one open: `WriteFeature`'s state.
    public var draftPanel: DraftPanel? {
        get {
            if case .draft(let panel)? = panel { return panel }
            return nil
        }
        set {
            if let newValue { panel = .draft(newValue) } else if case .draft? = panel { panel = nil }
        }
    }
}
