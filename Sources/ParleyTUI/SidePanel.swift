import ParleyDecide
import ParleyWrite

/// The workspace beside the chat: the decision matrix in decide mode, the draft in write mode.
///
/// On a wide screen it sits to the right of the transcript; on a narrow one (or after F3) it takes
/// the transcript's place, and F3 switches back.
public enum SidePanel: Sendable, Equatable {
    case decision(DecisionPanel)
    case draft(DraftPanel)

    /// The panel's frame title.
    public var title: String {
        switch self {
        case .decision: return "Decision"
        case .draft: return "Draft"
        }
    }
}
