import Foundation
import ParleyCore

/// Draws the chat screen into a cell buffer: a pure function of the state (the layout memo only
/// saves work). The cursor position comes back with the buffer for the terminal to place.
public struct ChatView: Sendable {
    public let layout: TranscriptLayout

    public init(layout: TranscriptLayout) {
        self.layout = layout
    }

    public struct Frame: Sendable, Equatable {
        public var buffer: CellBuffer
        /// Where the terminal cursor goes, nil to hide it.
        public var cursor: (x: Int, y: Int)?
        /// Pictures wholly on screen with nothing over them, where a graphics protocol may cover
        /// their half-block cells.
        public var pictures: [PicturePlacement] = []

        public init(buffer: CellBuffer, cursor: (x: Int, y: Int)?, pictures: [PicturePlacement] = []) {
            self.buffer = buffer
            self.cursor = cursor
            self.pictures = pictures
        }

        public static func == (a: Frame, b: Frame) -> Bool {
            a.buffer == b.buffer && a.cursor?.x == b.cursor?.x && a.cursor?.y == b.cursor?.y && a.pictures == b.pictures
        }
    }

    public func render(_ state: ChatState, now: Date = Date()) -> Frame {
        var buffer = CellBuffer(width: state.width, height: state.height)
        let geometry = ScreenGeometry(state)
        if geometry.tooSmall {
            drawTooSmall(&buffer)
            return Frame(buffer: buffer, cursor: nil)
        }
        drawHeader(state, &buffer)
        let pictures = drawTranscript(state, geometry, &buffer)
        if let panel = state.panel { SidePanelView.draw(panel, geometry, into: &buffer) }
        drawSeparator(state, geometry, &buffer)
        let cursor = drawInput(state, geometry, &buffer)
        drawStatus(state, geometry, &buffer, now: now)
        switch state.overlay {
        case .none:
            return Frame(buffer: buffer, cursor: cursor, pictures: pictures)
        case .help:
            HelpView.draw(offset: state.helpOffset, into: &buffer)
        case .list(let list):
            let listCursor = ConversationListView.draw(list, current: state.conversation.id, into: &buffer)
            return Frame(buffer: buffer, cursor: listCursor)
        case .confirm(let question, _):
            drawConfirm(question, &buffer)
        case .writeForm(let form):
            let formCursor = WriteFormView.draw(form, into: &buffer)
            return Frame(buffer: buffer, cursor: formCursor)
        case .templatePicker(let picker):
            let pickerCursor = TemplatePickerView.draw(picker, into: &buffer)
            return Frame(buffer: buffer, cursor: pickerCursor)
        }
        return Frame(buffer: buffer, cursor: nil)
    }

    private func drawTooSmall(_ buffer: inout CellBuffer) {
        let lines = ["Terminal too small", "need \(ScreenGeometry.minimumWidth)×\(ScreenGeometry.minimumHeight)"]
        let top = max(0, (buffer.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < buffer.height {
            let x = max(0, (buffer.width - DisplayWidth.of(line)) / 2)
            buffer.write(line, x: x, y: top + i, style: CellStyle(.notice, bold: true))
        }
    }

    private func drawHeader(_ state: ChatState, _ buffer: inout CellBuffer) {
        let bar = CellStyle(.statusBar, reverse: true)
        buffer.fill(x: 0, y: 0, width: buffer.width, height: 1, style: bar)
        let right = state.isReadOnly ? " read-only " : (state.scrollOffset > 0 ? " ↑ scrolled (Esc: back to the end) " : "")
        let rightWidth = DisplayWidth.of(right)
        let title = state.conversation.messages.isEmpty && state.conversation.title.isEmpty ? "New conversation" : state.conversation.displayTitle
        buffer.write(" Parley · " + oneLine(title), x: 0, y: 0, style: CellStyle(.statusBar, bold: true, reverse: true), limit: buffer.width - rightWidth)
        if rightWidth > 0 && rightWidth < buffer.width {
            buffer.write(right, x: buffer.width - rightWidth, y: 0, style: CellStyle(.statusAccent, reverse: true))
        }
    }

    /// Draws the transcript; returns the pictures that are on screen whole.
    private func drawTranscript(_ state: ChatState, _ geometry: ScreenGeometry, _ buffer: inout CellBuffer) -> [PicturePlacement] {
        let height = geometry.transcriptHeight
        layout.fitPictures(toTranscriptHeight: height)
        let width = geometry.transcriptWidth
        guard height > 0, width > 0 else { return [] }
        if state.conversation.messages.isEmpty {
            let hints = [
                "Type a message and press Enter to send it.",
                "Ctrl-J or Alt-Enter: new line · F1 or ?: help · F2: conversations · /: commands",
            ]
            for (i, hint) in hints.enumerated() where i < height {
                let wrapped = TextWrapper.wrap([StyledRun(hint, CellStyle(.dim))], width: width - 4)
                if let first = wrapped.first { buffer.write(first, x: 2, y: geometry.transcriptTop + 1 + i * 2, limit: width) }
            }
            return []
        }
        let (lines, _) = layout.tail(
            of: state.conversation.messages, width: width, count: height + state.scrollOffset, showReasoning: state.showsReasoning,
            selected: state.replyCursor)
        let visible = lines.prefix(max(0, lines.count - state.scrollOffset)).suffix(height)
        var y = geometry.transcriptTop
        var pictures: [PicturePlacement] = []
        let bottom = geometry.transcriptTop + height
        for line in visible {
            buffer.write(line, x: 0, y: y, limit: width)
            if var area = line.picture.flatMap({ $0.row == 0 ? $0.area : nil }), y + area.rows <= bottom, area.x + area.columns <= width {
                area.y = y
                pictures.append(area)
            }
            y += 1
        }
        return pictures
    }

    private func drawSeparator(_ state: ChatState, _ geometry: ScreenGeometry, _ buffer: inout CellBuffer) {
        let row = geometry.separatorRow
        let rule = String(repeating: "─", count: buffer.width)
        buffer.write(rule, x: 0, y: row, style: CellStyle(.border))
        var x = 1
        if let notice = state.notice {
            let style = notice.isError ? CellStyle(.error, bold: true) : CellStyle(.notice)
            x = buffer.write(" " + (notice.isError ? "error: " : "") + oneLine(notice.text) + " ", x: 1, y: row, style: style, limit: buffer.width - 1)
        } else if state.editingMessageID != nil {
            x = buffer.write(" editing ", x: 1, y: row, style: CellStyle(.notice))
        }
        let size = state.input.characterCount > 10_000 ? " \(ChatReducer.formatBytes(state.input.byteCount)) " : ""
        if !size.isEmpty, x + DisplayWidth.of(size) < buffer.width - 1 {
            buffer.write(size, x: buffer.width - 1 - DisplayWidth.of(size), y: row, style: CellStyle(.dim))
        }
    }

    private func drawInput(_ state: ChatState, _ geometry: ScreenGeometry, _ buffer: inout CellBuffer) -> (x: Int, y: Int) {
        let view = state.input.visibleRows(width: geometry.inputWidth, maxRows: geometry.inputHeight)
        let promptStyle = CellStyle(.inputPrompt, bold: true)
        for (i, row) in view.rows.enumerated() where i < geometry.inputHeight {
            let y = geometry.inputTop + i
            buffer.write(i == 0 && view.cursorRow < geometry.inputHeight && state.input.row == 0 ? "› " : (i == 0 ? "… " : "  "), x: 0, y: y, style: promptStyle)
            buffer.write(row, x: 2, y: y, style: .plain)
        }
        if state.input.isEmpty {
            let hint = state.isBusy ? "reply streaming… Ctrl-C cancels" : "Message (Enter sends, Ctrl-J newline, F1 help)"
            buffer.write(hint, x: 2, y: geometry.inputTop, style: CellStyle(.dim))
        }
        return (min(buffer.width - 1, 2 + view.cursorColumn), geometry.inputTop + view.cursorRow)
    }

    private func drawStatus(_ state: ChatState, _ geometry: ScreenGeometry, _ buffer: inout CellBuffer, now: Date) {
        let row = geometry.statusRow
        let bar = CellStyle(.statusBar, reverse: true)
        buffer.fill(x: 0, y: row, width: buffer.width, height: 1, style: bar)
        let phase: String
        var phaseStyle = CellStyle(.statusAccent, bold: true, reverse: true)
        switch state.phase {
        case .idle:
            if let reply = state.conversation.messages.last, reply.role == .assistant, reply.status == .failed {
                phase = "error"
                phaseStyle = CellStyle(.error, bold: true, reverse: true)
            } else if let rate = state.lastRate {
                phase = String(format: "idle · %.0f tok/s", rate)
            } else {
                phase = "idle"
            }
        case .waiting:
            phase = "waiting…"
        case .streaming(let since, let tokens):
            let seconds = now.timeIntervalSince(since)
            phase = seconds > 0.2 ? String(format: "streaming %.0f tok/s", Double(tokens) / seconds) : "streaming"
        case .drawing(_, let fraction):
            phase = fraction.map { "drawing \(Int(($0 * 100).rounded()))%" } ?? "drawing…"
        }
        let context = "ctx \(ChatView.compact(state.contextTokens))/\(ChatView.compact(state.backend.contextSize))"
        let schema = state.schema.map { " · schema \($0)" } ?? ""
        let left = " \(state.conversation.mode.rawValue) · \(state.persona)\(schema) · \(state.backend.name)/\(state.backend.model) · \(context) "
        let right = " \(phase) "
        let rightWidth = DisplayWidth.of(right)
        buffer.write(oneLine(left), x: 0, y: row, style: bar, limit: max(0, buffer.width - rightWidth))
        if rightWidth < buffer.width {
            buffer.write(right, x: buffer.width - rightWidth, y: row, style: phaseStyle)
        }
    }

    private func drawConfirm(_ question: String, _ buffer: inout CellBuffer) {
        let width = min(buffer.width - 2, max(30, DisplayWidth.of(question) + 4))
        let lines = TextWrapper.wrap([StyledRun(question, CellStyle(.overlay, bold: true))], width: width - 4)
        let height = lines.count + 2
        let x = (buffer.width - width) / 2
        let y = max(0, (buffer.height - height) / 2)
        Box.draw(x: x, y: y, width: width, height: height, title: "Confirm", into: &buffer)
        for (i, line) in lines.enumerated() { buffer.write(line, x: x + 2, y: y + 1 + i, limit: x + width - 1) }
    }

    func oneLine(_ text: String) -> String {
        text.contains("\n") ? text.split(whereSeparator: \.isNewline).joined(separator: " ") : text
    }

    /// 1234 → "1.2k"; small numbers as they are.
    static func compact(_ n: Int) -> String {
        if n >= 1_000_000 { return String(format: "%.1fM", Double(n) / 1_000_000) }
        if n >= 10_000 { return "\(n / 1000)k" }
        if n >= 1000 { return String(format: "%.1fk", Double(n) / 1000) }
        return "\(n)"
    }
}

/// A framed box with a title, drawn over whatever is below it.
enum Box {
    static func draw(x: Int, y: Int, width: Int, height: Int, title: String, into buffer: inout CellBuffer) {
        guard width >= 4, height >= 2 else { return }
        let frame = CellStyle(.border)
        buffer.fill(x: x, y: y, width: width, height: height, style: CellStyle(.overlay))
        buffer.write("╭" + String(repeating: "─", count: width - 2) + "╮", x: x, y: y, style: frame)
        for row in (y + 1)..<(y + height - 1) {
            buffer.write("│", x: x, y: row, style: frame)
            buffer.write("│", x: x + width - 1, y: row, style: frame)
        }
        buffer.write("╰" + String(repeating: "─", count: width - 2) + "╯", x: x, y: y + height - 1, style: frame)
        buffer.write(" " + title + " ", x: x + 2, y: y, style: CellStyle(.overlayTitle, bold: true), limit: x + width - 2)
    }
}
