import ParleyDecide

/// What the decision panel shows: the record being worked on (its totals are always the
/// program's, computed from the record) and where the model's work on it stands.
public struct DecisionPanel: Sendable, Equatable {
    public var record: DecisionRecord
    /// The stage the model is working on ("proposing options", ...); nil when nothing runs.
    public var progress: String?
    /// Rows the panel is scrolled down.
    public var scroll = 0

    public init(record: DecisionRecord, progress: String? = nil) {
        self.record = record
        self.progress = progress
    }
}

extension DecisionPanel {
    /// True while the model works on the record (the flow is running): edits wait until it ends,
    /// because the flow's result would replace them.
    public var isRunning: Bool { progress != nil }
}

extension ChatState {
    /// The decision panel when decide mode has one open: `DecideFeature`'s state.
    public var decisionPanel: DecisionPanel? {
        get {
            if case .decision(let panel)? = panel { return panel }
            return nil
        }
        set {
            if let newValue { panel = .decision(newValue) } else if case .decision? = panel { panel = nil }
        }
    }
}
