/// What a mode's reducer (`DecideFeature`, `WriteFeature`) hands back to the chat reducer: the
/// effects to run and, when the step has something to say, the notice line. A mode owns only its
/// panel, so the notice under the transcript comes back this way rather than being set by it.
public struct ModeStep: Sendable, Equatable {
    public var effects: [ChatEffect]
    /// The notice to show; nil leaves the one showing.
    public var notice: ChatNotice?

    public init(_ effects: [ChatEffect] = [], notice: ChatNotice? = nil) {
        self.effects = effects
        self.notice = notice
    }

    /// A refusal: nothing to run, one line saying why.
    static func refused(_ text: String) -> ModeStep { ModeStep(notice: ChatNotice(text, isError: true)) }
}
