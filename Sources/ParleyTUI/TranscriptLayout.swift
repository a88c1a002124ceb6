import ParleyCore

/// Lays out messages as screen lines: a role label, the content (Markdown-lite for replies, plain
/// for the user's own text) indented under it, a status line for interrupted or failed replies and
/// a blank line between messages.
///
/// A reply's reasoning is one dim summary line ("thinking… (N lines)") above its text, or the whole
/// reasoning, dimmed, when `showReasoning` is on (`/think`). A user message with crisis language
/// (`CrisisCheck`, the engine's own check) is followed by the fixed support notice in a framed
/// block, so the notice sits right above the reply and comes back whenever the conversation is
/// shown again: it is derived from the stored words, not stored itself.
///
/// A pure function of (message, width), memoised: each message is laid out once per width and
/// content, so a key press with a 10,000-message conversation open touches only what is visible.
/// Used from the UI loop only.
public final class TranscriptLayout: @unchecked Sendable {
    private struct Entry {
        var content: String
        var reasoning: String?
        var status: MessageStatus
        var label: String
        var picture: String?
        var lines: [StyledLine]
    }

    private var entries: [String: Entry] = [:]

    /// A growing reply's complete lines (everything before its last newline), rendered once.
    private struct StreamEntry {
        var id: String
        var stable: Substring
        var lines: [StyledLine]
        var progress: MarkdownLite.Progress
    }

    private var stream: StreamEntry?
    private var cachedWidth = -1
    private var cachedShowReasoning = false

    /// Where a message's stored picture comes from; nil shows a one-line placeholder instead.
    private let pictures: PictureSource?

    /// The most lines a picture takes: the transcript's height less room for its label, so a
    /// picture fits on the screen whole.
    public private(set) var pictureHeight = 24

    public init(pictures: PictureSource? = nil) {
        self.pictures = pictures
    }

    /// Fits pictures to a transcript `height` rows tall; a change lays out again the messages
    /// that have one.
    public func fitPictures(toTranscriptHeight height: Int) {
        let fitted = max(1, height - 2)
        guard fitted != pictureHeight else { return }
        pictureHeight = fitted
        entries = entries.filter { $0.value.picture == nil }
    }

    /// The lines of one message at a width; `selected` is the id of the reply under the cursor.
    public func lines(for message: Message, width: Int, showReasoning: Bool = false, selected: String? = nil) -> [StyledLine] {
        if width != cachedWidth || showReasoning != cachedShowReasoning {
            entries.removeAll(keepingCapacity: true)
            if width != cachedWidth { stream = nil }
            cachedWidth = width
            cachedShowReasoning = showReasoning
        }
        let label = TranscriptLayout.label(message, selected: message.id == selected)
        if let entry = entries[message.id], entry.status == message.status, entry.label == label, entry.content == message.content,
            entry.reasoning == message.reasoning, entry.picture == message.picture
        {
            return entry.lines
        }
        let lines = TranscriptLayout.layout(
            message, label: label, width: width, showReasoning: showReasoning, markdown: { self.markdown($0, id: message.id, width: $1) },
            pictures: pictures, pictureHeight: pictureHeight)
        if entries.count > 4096 { entries.removeAll(keepingCapacity: true) }
        entries[message.id] = Entry(
            content: message.content, reasoning: message.reasoning, status: message.status, label: label, picture: message.picture,
            lines: lines)
        return lines
    }

    /// The last `count` lines of the transcript (fewer when it is shorter), oldest first, laying
    /// out messages from the newest backwards only as far as needed.
    public func tail(of messages: [Message], width: Int, count: Int, showReasoning: Bool = false, selected: String? = nil) -> (lines: [StyledLine], reachedTop: Bool) {
        var collected: [[StyledLine]] = []
        var total = 0
        var index = messages.count - 1
        while index >= 0 && total < count {
            let block = lines(for: messages[index], width: width, showReasoning: showReasoning, selected: selected)
            collected.append(block)
            total += block.count
            index -= 1
        }
        var result: [StyledLine] = []
        result.reserveCapacity(total)
        for block in collected.reversed() { result += block }
        if result.count > count { result.removeFirst(result.count - count) }
        return (result, index < 0)
    }

    /// How many lines the transcript has, counting only up to `limit`.
    public func lineCount(of messages: [Message], width: Int, upTo limit: Int, showReasoning: Bool = false, selected: String? = nil) -> Int {
        var total = 0
        var index = messages.count - 1
        while index >= 0 && total < limit {
            total += lines(for: messages[index], width: width, showReasoning: showReasoning, selected: selected).count
            index -= 1
        }
        return total
    }

    /// The heading of a message: who said it, the model, which version is shown, and small marks
    /// for the feedback on that version (see `feedbackMarks`); ▸ in front of the reply under the cursor.
    static func label(_ message: Message, selected: Bool = false) -> String {
        var label: String
        switch message.role {
        case .user: label = "You"
        case .assistant: label = "Assistant"
        case .system: label = "System"
        }
        if message.role == .assistant, let model = message.model, !model.isEmpty { label += " · " + model }
        if let alternatives = message.alternatives, alternatives.count > 1 {
            let index = (alternatives.firstIndex(of: message.content) ?? alternatives.count - 1) + 1
            label += "  ‹\(index)/\(alternatives.count)›"
        }
        let marks = feedbackMarks(message)
        if !marks.isEmpty { label += "  " + marks }
        return selected ? "▸ " + label : label
    }

    /// `+1` or `-1` for a rating of the version shown, `✓chosen` or `✗rejected` once a version
    /// was chosen, `✎ideal` when the user wrote the answer they wanted.
    static func feedbackMarks(_ message: Message) -> String {
        guard message.role == .assistant, let feedback = message.feedback else { return "" }
        let shown = message.shownVersion
        var marks: [String] = []
        if let rating = feedback.rating(of: shown) { marks.append(rating.rating == .up ? "+1" : "-1") }
        if let preferred = feedback.preferredVersion { marks.append(preferred == shown ? "✓chosen" : "✗rejected") }
        if feedback.ideal != nil { marks.append("✎ideal") }
        return marks.joined(separator: " ")
    }

    /// Markdown for a reply. While a reply grows, only the lines after the last complete one are
    /// rendered again; the result is the same as rendering the whole text (see the tests).
    func markdown(_ content: String, id: String, width: Int) -> [StyledLine] {
        guard let newline = content.lastIndex(of: "\n") else { return MarkdownLite.render(content, width: width) }
        let stable = content[..<newline]
        var entry: StreamEntry
        let known = stream?.stable.utf8.count ?? 0
        let utf8 = stable.utf8
        if let cached = stream, cached.id == id, utf8.count >= known, utf8.starts(with: cached.stable.utf8),
            utf8.count == known || utf8[utf8.index(utf8.startIndex, offsetBy: known)] == 0x0A
        {
            entry = cached
            if utf8.count > known {
                let start = utf8.index(utf8.startIndex, offsetBy: known + 1)
                entry.lines += MarkdownLite.render(stable[start...], width: width, progress: &entry.progress)
            }
            entry.stable = stable
        } else {
            var progress = MarkdownLite.Progress()
            let lines = MarkdownLite.render(stable, width: width, progress: &progress)
            entry = StreamEntry(id: id, stable: stable, lines: lines, progress: progress)
        }
        stream = entry
        var progress = entry.progress
        return entry.lines + MarkdownLite.render(content[content.index(after: newline)...], width: width, progress: &progress)
    }

    static func layout(
        _ message: Message, label: String, width: Int, showReasoning: Bool = false, markdown: ((String, Int) -> [StyledLine])? = nil,
        pictures: PictureSource? = nil, pictureHeight: Int = 24
    ) -> [StyledLine] {
        if let step = message.internalStep {
            // A prompt the decision flow sent on its own: the program's step, dimmed, not a "You"
            // message (the prompt's text stays in the stored conversation). The support notice still
            // shows when the question it carries has crisis language.
            var lines = TextWrapper.wrap([StyledRun("▸ " + step + "…", CellStyle(.dim))], width: width)
            if CrisisCheck.matches(message.content) { lines += supportNotice(width: width) }
            return lines
        }
        let labelStyle: CellStyle
        switch message.role {
        case .user: labelStyle = CellStyle(.userLabel, bold: true)
        case .assistant: labelStyle = CellStyle(.assistantLabel, bold: true)
        case .system: labelStyle = CellStyle(.systemLabel, bold: true)
        }
        var lines = TextWrapper.wrap([StyledRun(label, labelStyle)], width: width)
        let indent = min(2, max(0, width - 1))
        let inner = max(1, width - indent)
        let pad = StyledRun(String(repeating: " ", count: indent))
        let body: [StyledLine]
        switch message.role {
        case .assistant:
            body = markdown?(message.content, inner) ?? MarkdownLite.render(message.content, width: inner)
        case .user, .system:
            let style = message.role == .system ? CellStyle(.dim, italic: true) : CellStyle.plain
            body = message.content.split(separator: "\n", omittingEmptySubsequences: false).flatMap {
                TextWrapper.wrap([StyledRun(String($0), style)], width: inner)
            }
        }
        let reasoning = message.role == .assistant ? reasoningLines(message, width: inner, expanded: showReasoning) : []
        lines += reasoning.map { StyledLine([pad] + $0.runs) }
        if !message.content.isEmpty { lines += body.map { StyledLine([pad] + $0.runs) } }
        if let name = message.picture {
            if let picture = pictures?.lines(ofPicture: name, width: inner, height: pictureHeight) {
                // Cells a graphics protocol may cover: only lines that are all picture ("▀").
                let columns = picture.map(\.width).max() ?? 0
                let cells = !picture.isEmpty && picture.allSatisfy { $0.plainText.allSatisfy { $0 == "\u{2580}" } }
                for (row, line) in picture.enumerated() {
                    var placed = StyledLine([pad] + line.runs)
                    if cells {
                        placed.picture = PictureMark(
                            area: PicturePlacement(name: name, x: indent, y: 0, columns: columns, rows: picture.count), row: row)
                    }
                    lines.append(placed)
                }
            } else {
                lines += TextWrapper.wrap([StyledRun("[picture \(name) cannot be shown]", CellStyle(.notice, italic: true))], width: inner)
                    .map { StyledLine([pad] + $0.runs) }
            }
        }
        if message.role == .user && CrisisCheck.matches(message.content) {
            lines += supportNotice(width: inner).map { StyledLine([pad] + $0.runs) }
        }
        switch message.status {
        case .streaming:
            if message.content.isEmpty && reasoning.isEmpty { lines.append(StyledLine([pad, StyledRun("…", CellStyle(.dim))])) }
        case .interrupted:
            let reason = message.error ?? "interrupted"
            lines += TextWrapper.wrap([StyledRun("[interrupted: \(reason)]", CellStyle(.notice, italic: true))], width: inner).map { StyledLine([pad] + $0.runs) }
        case .failed:
            let reason = message.error ?? "failed"
            lines += TextWrapper.wrap([StyledRun("[failed: \(reason)]", CellStyle(.error))], width: inner).map { StyledLine([pad] + $0.runs) }
        case .complete:
            if message.reachedTokenLimit {
                lines += TextWrapper.wrap([StyledRun("[cut off at the token limit]", CellStyle(.notice, italic: true))], width: inner)
                    .map { StyledLine([pad] + $0.runs) }
            }
        }
        lines.append(StyledLine())
        return lines
    }

    /// The reasoning of a reply: one summary line, or (expanded) a header and every line of it,
    /// dimmed and set off by a bar. Nothing when there is no reasoning.
    static func reasoningLines(_ message: Message, width: Int, expanded: Bool) -> [StyledLine] {
        guard let reasoning = message.reasoning?.trimmingCharacters(in: .whitespacesAndNewlines), !reasoning.isEmpty else { return [] }
        let count = reasoning.split(separator: "\n", omittingEmptySubsequences: true).count
        let amount = count == 1 ? "1 line" : "\(count) lines"
        let style = CellStyle(.dim, italic: true)
        let thinking = message.status == .streaming && message.content.isEmpty
        let summary: String
        if expanded {
            summary = (thinking ? "▾ thinking… (" : "▾ thinking (") + amount + ") · /think hides it"
        } else {
            summary = (thinking ? "▸ thinking… (" : "▸ thinking (") + amount + ") · /think shows it"
        }
        var lines = TextWrapper.wrap([StyledRun(summary, style)], width: width)
        guard expanded else { return lines }
        let bar = StyledRun("┊ ", CellStyle(.dim))
        for line in reasoning.split(separator: "\n", omittingEmptySubsequences: false) {
            lines += TextWrapper.wrap([StyledRun(line.isEmpty ? " " : String(line), style)], width: width, prefix: [bar])
        }
        return lines
    }

    /// The fixed crisis-support notice in a frame as wide as the text column.
    static func supportNotice(width: Int) -> [StyledLine] {
        let frame = CellStyle(.notice, bold: true)
        let text = CellStyle(.notice)
        let title = " Support is available "
        guard width >= 8 else {
            return TextWrapper.wrap([StyledRun(CrisisCheck.notice, text)], width: width)
        }
        let inner = width - 4
        var lines = [StyledLine([StyledRun("╭─" + title + String(repeating: "─", count: max(0, width - 3 - DisplayWidth.of(title))) + "╮", frame)])]
        if DisplayWidth.of(title) + 3 > width {
            lines = [StyledLine([StyledRun("╭" + String(repeating: "─", count: width - 2) + "╮", frame)])]
        }
        for row in TextWrapper.wrap([StyledRun(CrisisCheck.notice, text)], width: inner) {
            let fill = max(0, inner - row.width)
            lines.append(StyledLine([StyledRun("│ ", frame)] + row.runs + [StyledRun(String(repeating: " ", count: fill) + " │", frame)]))
        }
        lines.append(StyledLine([StyledRun("╰" + String(repeating: "─", count: width - 2) + "╯", frame)]))
        return lines
    }
}
