import Foundation
import ParleyCore
import ParleyWrite

/// Write mode's own part of the chat screen: the draft panel (its state) and what changes it,
/// namely versions streaming in, paging and choosing versions, diffs, `/save` and `/copy`.
///
/// It sees only its panel: the form, the template picker, the transcript and the turn's phase are
/// the chat's, which `ChatReducer+Write` joins to this (the chat holds the panel while a draft is
/// being written or shown, and forwards each action by one case).
public struct WriteFeature: Sendable {
    public typealias State = DraftPanel

    public enum Action: Sendable, Equatable {
        /// `/version N|next|prev`.
        case version(SlashCommand.VersionChoice)
        /// `/diff [A B]`.
        case diff(from: Int?, to: Int?)
        /// `/save FILE`: the version shown.
        case save(String)
        /// `/copy`: the version shown.
        case copy
        /// Alt-PgUp / Alt-PgDn: the previous or next version.
        case page(by: Int)
        /// A change request ("shorter"): the next version streams in from the one shown.
        case revise(instruction: String)
        /// A piece of the version being written.
        case streamed(String)
        /// The version being written is stored (the draft as it now is).
        case finished(Draft)
        /// The turn writing a revision failed before any text: back to the draft as it was.
        case revisionFailed
        /// A key: any but scrolling and F1/F3 leaves a diff for the text.
        case key(Key)
    }

    /// What the mode needs from outside its panel.
    public struct Environment: Sendable, Equatable {
        /// The panel is on screen (wide enough, or F3): notices need not say how to see it.
        public var panelShown: Bool

        public init(panelShown: Bool) {
            self.panelShown = panelShown
        }
    }

    static let writingRefusal = "a version is being written: wait, or press Ctrl-C to cancel it"
    static let noDraft = "no draft yet: /write TEMPLATE starts one"

    public init() {}

    public func reduce(_ panel: inout State, _ action: Action, _ env: Environment) -> ModeStep {
        switch action {
        case .version(let choice):
            guard let draft = panel.draft, !panel.isWriting else { return WriteFeature.unavailable(panel) }
            let target: Int
            switch choice {
            case .number(let number): target = number
            case .next: target = draft.currentNumber + 1
            case .previous: target = draft.currentNumber - 1
            }
            guard (1...draft.versionCount).contains(target) else {
                return .refused(
                    draft.versionCount == 1 ? "the draft has one version so far; type a change (\u{201C}shorter\u{201D}) to make another"
                        : "no version \(target); the draft has versions 1 to \(draft.versionCount)")
            }
            return show(version: target, &panel)
        case .diff(let from, let to):
            guard let draft = panel.draft, !panel.isWriting else { return WriteFeature.unavailable(panel) }
            let pair: (Int, Int)
            if let from, let to {
                pair = (from, to)
            } else {
                guard draft.currentNumber > 1 else {
                    return .refused("version 1 has no previous version to compare with; /diff A B compares any two")
                }
                pair = (draft.currentNumber - 1, draft.currentNumber)
            }
            for number in [pair.0, pair.1] where !(1...draft.versionCount).contains(number) {
                return .refused("no version \(number); the draft has versions 1 to \(draft.versionCount)")
            }
            panel.diffFrom = pair.0
            panel.diffTo = pair.1
            panel.scroll = 0
            let diff = try? draft.diff(from: pair.0, to: pair.1)
            let visible = env.panelShown ? "" : " (F3 shows the panel)"
            func lines(_ n: Int) -> String { n == 1 ? "1 line" : "\(n) lines" }
            return ModeStep(notice: ChatNotice(
                "version \(pair.0) → \(pair.1): \(lines(diff?.added ?? 0)) added, \(lines(diff?.removed ?? 0)) removed\(visible)"))
        case .save(let path):
            guard let draft = panel.draft, !panel.isWriting else { return WriteFeature.unavailable(panel) }
            return ModeStep([.saveText(text: draft.current.text, path: path, overwrite: false, what: .draft)])
        case .copy:
            guard let draft = panel.draft else { return ModeStep() }
            return ModeStep(
                [.copyToClipboard(draft.current.text)],
                notice: ChatNotice("copied version \(draft.currentNumber) of the draft (\(draft.current.text.count) characters) to the clipboard"))
        case .page(let offset):
            guard let draft = panel.draft, !panel.isWriting else { return ModeStep() }
            let target = draft.currentNumber + offset
            guard (1...draft.versionCount).contains(target) else { return ModeStep() }
            return show(version: target, &panel)
        case .revise(let instruction):
            guard let draft = panel.draft else { return ModeStep() }
            panel.streaming = ""
            panel.diffFrom = nil
            panel.diffTo = nil
            panel.scroll = 0
            return ModeStep([.reviseDraft(draft, instruction: instruction)])
        case .streamed(let piece):
            panel.streaming? += piece
            return ModeStep()
        case .finished(let draft):
            let grew = draft.versionCount > (panel.draft?.versionCount ?? 0)
            panel = DraftPanel(draft: draft)
            guard grew else { return ModeStep() }
            let hidden = env.panelShown ? "" : " · F3 shows the draft"
            // What the checks still found after a second attempt comes first: the user should
            // know the draft leaves out a name before saving it.
            let notes = draft.current.notes ?? []
            let note = notes.first.map { " · note: \($0)" + (notes.count > 1 ? " (+\(notes.count - 1) more)" : "") } ?? ""
            return ModeStep(notice: ChatNotice(
                "version \(draft.currentNumber) of \(draft.versionCount)\(note)\(hidden) · type a change (\u{201C}shorter\u{201D}) to revise · /save FILE · /diff"))
        case .revisionFailed:
            if let draft = panel.draft { panel = DraftPanel(draft: draft) }
            return ModeStep()
        case .key(let key):
            guard panel.isShowingDiff, ![.pageUp, .pageDown, .function(3), .function(1)].contains(key) else { return ModeStep() }
            panel.diffFrom = nil
            panel.diffTo = nil
            panel.scroll = 0
            return ModeStep()
        }
    }

    /// Why the draft's commands cannot act now: there is none yet, or a version is being written.
    private static func unavailable(_ panel: State) -> ModeStep { .refused(panel.draft == nil ? noDraft : writingRefusal) }

    /// Makes version `number` current in the panel and on disk.
    private func show(version number: Int, _ panel: inout State) -> ModeStep {
        guard var draft = panel.draft, (try? draft.select(version: number)) != nil else { return ModeStep() }
        panel.draft = draft
        panel.diffFrom = nil
        panel.diffTo = nil
        panel.scroll = 0
        return ModeStep([.selectDraftVersion(draftID: draft.id, number: number)], notice: ChatNotice("version \(number) of \(draft.versionCount)"))
    }
}
