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
