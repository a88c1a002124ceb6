import CNCursesW
import Foundation
import ParleyCore
import ParleyTUI

/// The only code that talks to ncurses: starts and stops the screen, draws a frame (a cell buffer
/// and a cursor), follows size changes and writes the one escape sequence the app sends on purpose
/// (OSC 52 for `/copy`). Used from one thread at a time.
///
/// Every way out restores the terminal: `stop()` (idempotent) on quit and errors, and a crash
/// handler that resets the terminal modes before a fatal signal takes its course.
public final class CursesTerminal: @unchecked Sendable {
    public let theme: TerminalTheme
    private var screen: OpaquePointer?
    private var outputFile: UnsafeMutablePointer<FILE>?
    private var inputFile: UnsafeMutablePointer<FILE>?
    private var colorCount = 0
    private var pairs: [StyleRole: Int16] = [:]
    private var previous: CellBuffer?
    private var mouse: Bool
    /// The pictures whose graphics are on screen now (see `drawGraphics`), nil when unknown
    /// (after a full repaint).
    private var shownGraphics: [PicturePlacement]? = []
    public private(set) var width = 0
    public private(set) var height = 0

    /// Starts the full screen. Checks first that stdin and stdout are a terminal and that TERM names
    /// a known terminal, so the user gets a clear message instead of curses' own abrupt exit.
    public init(theme requested: TerminalTheme, environment: [String: String], mouse: Bool) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw TerminalFailure.notATerminal }
        guard let term = environment["TERM"], !term.isEmpty else { throw TerminalFailure.termUnset }
        self.mouse = mouse
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        guard let output = fdopen(dup(STDOUT_FILENO), "w"), let input = fdopen(dup(STDIN_FILENO), "r") else {
            throw TerminalFailure.cursesFailed("cannot open the terminal's streams")
        }
        outputFile = output
        inputFile = input
        parley_install_crash_restore(STDOUT_FILENO)
        guard let created = newterm(term, output, input) else {
            parley_remove_crash_restore()
            fclose(output)
            fclose(input)
            outputFile = nil
            inputFile = nil
            throw TerminalFailure.unknownTerm(term)
        }
        screen = created
        set_term(created)
        raw()
        noecho()
        nonl()
        keypad(parley_stdscr(), false)
        intrflush(parley_stdscr(), false)
        leaveok(parley_stdscr(), false)
        scrollok(parley_stdscr(), false)
        if !noColor && requested != .none && has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(parley_colors())
            theme = requested
            var next: Int16 = 1
            for role in StyleRole.allCases {
                let (fg, bg) = theme.colors(for: role, colorCount: colorCount)
                guard next < Int16(clamping: parley_color_pairs()) else { break }
                init_pair(next, fg, bg)
                pairs[role] = next
                next += 1
            }
        } else {
            theme = .none
        }
        // Bracketed paste (and the wheel when asked): our own key decoder reads these.
        writeRaw("\u{1B}[?2004h" + (mouse ? "\u{1B}[?1000h\u{1B}[?1006h" : ""))
        refreshSize()
    }

    deinit { stop() }

    /// Leaves the full screen and puts the terminal back as it was. Safe to call more than once.
    public func stop() {
        guard let screen else { return }
        writeRaw((mouse ? "\u{1B}[?1000l\u{1B}[?1006l" : "") + "\u{1B}[?2004l")
        curs_set(1)
        endwin()
        delscreen(screen)
        self.screen = nil
        if let outputFile { fclose(outputFile) }
        if let inputFile { fclose(inputFile) }
        outputFile = nil
        inputFile = nil
        parley_remove_crash_restore()
    }

    /// Hands the terminal to another program (the editor `/ideal` opens): the screen's modes are
    /// saved and the terminal put back to how the shell had it. `resume()` takes it back.
    public func suspend() {
        guard screen != nil else { return }
        writeRaw((mouse ? "\u{1B}[?1000l\u{1B}[?1006l" : "") + "\u{1B}[?2004l")
        def_prog_mode()
        curs_set(1)
        endwin()
    }

    /// Takes the terminal back after `suspend()`: the screen's modes, bracketed paste, the size
    /// (the window may have changed meanwhile) and a full redraw on the next frame.
    public func resume() {
        guard screen != nil else { return }
        reset_prog_mode()
        refresh()
        writeRaw("\u{1B}[?2004h" + (mouse ? "\u{1B}[?1000h\u{1B}[?1006h" : ""))
        refreshSize()
    }

    /// Reads the size from the kernel and tells curses; call after SIGWINCH. Returns the new size.
    @discardableResult
    public func refreshSize() -> (width: Int, height: Int) {
        var rows: Int32 = 0
        var cols: Int32 = 0
        if parley_window_size(STDOUT_FILENO, &rows, &cols) == 0, rows > 0, cols > 0 {
            resizeterm(rows, cols)
        }
        width = Int(max(1, parley_cols()))
        height = Int(max(1, parley_lines()))
        previous = nil
        shownGraphics = nil
        clearok(parley_stdscr(), true)
        return (width, height)
    }

    /// Copies a frame to the screen: only the rows that changed since the last frame.
    public func draw(_ frame: ChatView.Frame) {
        guard screen != nil else { return }
        let buffer = frame.buffer
        let sameSize = previous.map { $0.width == buffer.width && $0.height == buffer.height } ?? false
        if !sameSize { erase() }
        for y in 0..<min(buffer.height, height) {
            if sameSize, let previous, rowEqual(previous, buffer, y) { continue }
            drawRow(buffer, y)
        }
        previous = buffer
        if let cursor = frame.cursor, cursor.x < width, cursor.y < height {
            curs_set(1)
            move(Int32(cursor.y), Int32(cursor.x))
        } else {
            curs_set(0)
        }
        refresh()
    }

    /// Lays graphics (kitty, iTerm2 or sixel) over the half-block cells of the pictures in
    /// `placements`, after `draw` put the frame on screen; `escapes` makes the bytes (see
    /// `PicturePlacement.escapes`) and is asked only when the placements changed. Old graphics go
    /// first: kitty is told to delete its placements; iTerm2 and sixel pixels are cells, so curses
    /// repaints the whole screen.
    public func drawGraphics(_ placements: [PicturePlacement], kitty: Bool, escapes: () -> String) {
        guard screen != nil, placements != shownGraphics else { return }
        if shownGraphics != [] {
            if kitty {
                writeRaw("\u{1B}_Ga=d,d=A,q=2\u{1B}\\")
            } else {
                clearok(parley_stdscr(), true)
                refresh()
            }
        }
        shownGraphics = placements
        if !placements.isEmpty { writeRaw(escapes()) }
    }

    /// Sends text to the system clipboard through OSC 52 (works in tmux and over SSH). The text is
    /// base64, so nothing in it can act on the terminal.
    public func copyToClipboard(_ text: String) {
        let encoded = Data(text.utf8).base64EncodedString()
        writeRaw("\u{1B}]52;c;" + encoded + "\u{07}")
    }

    private func rowEqual(_ a: CellBuffer, _ b: CellBuffer, _ y: Int) -> Bool {
        for x in 0..<b.width where a[x, y] != b[x, y] { return false }
        return true
    }

    private func drawRow(_ buffer: CellBuffer, _ y: Int) {
        var x = 0
        let limit = min(buffer.width, width)
        while x < limit {
            let cell = buffer[x, y]
            if cell.isContinuation {
                x += 1
                continue
            }
            let columns = max(1, DisplayWidth.of(cell.text))
            let (attributes, pair) = look(cell.style)
            let scalars = Array(cell.text.unicodeScalars)
            if columns == 2 && x + 1 >= limit {
                put([" "], x, y, attributes, pair)
                x += 1
                continue
            }
            if let drawable = representable(scalars, columns: columns) {
                put(drawable, x, y, attributes, pair)
            } else if scalars.count == 2, scalars.allSatisfy({ (0x1F1E6...0x1F1FF).contains($0.value) }), parley_wcwidth((scalars[0].value)) == 1 {
                // A flag: curses sees two one-column letters; together they take the same two columns.
                put([scalars[0]], x, y, attributes, pair)
                put([scalars[1]], x + 1, y, attributes, pair)
            } else if let first = scalars.first, parley_wcwidth((first.value)) >= 1, Int(parley_wcwidth((first.value))) <= columns {
                // A sequence curses cannot hold in one cell (ZWJ, VS16): its first glyph, padded.
                put([first], x, y, attributes, pair)
                if Int(parley_wcwidth((first.value))) < columns { put([" "], x + 1, y, attributes, pair) }
            } else {
                put(["?"], x, y, attributes, pair)
                if columns == 2 { put([" "], x + 1, y, attributes, pair) }
            }
            x += columns
        }
    }

    /// The scalars as one curses cell when the C library agrees on the width: a spacing character
    /// followed only by (at most four) zero-width ones.
    private func representable(_ scalars: [Unicode.Scalar], columns: Int) -> [Unicode.Scalar]? {
        guard let first = scalars.first, scalars.count <= 5 else { return nil }
        guard Int(parley_wcwidth((first.value))) == columns else { return nil }
        for scalar in scalars.dropFirst() where parley_wcwidth((scalar.value)) != 0 || scalar.value == 0x200D {
            return nil
        }
        return scalars
    }

    private func put(_ scalars: [Unicode.Scalar], _ x: Int, _ y: Int, _ attributes: attr_t, _ pair: Int32) {
        var characters = scalars.map { wchar_t(bitPattern: $0.value) }
        characters.append(0)
        var cell = cchar_t()
        // Pairs made for pictures can pass 32767: ncurses takes the full number through `opts`.
        var extendedPair = pair
        characters.withUnsafeBufferPointer { pointer in
            _ = setcchar(&cell, pointer.baseAddress, attributes, Int16(clamping: pair), &extendedPair)
        }
        _ = mvadd_wch(Int32(y), Int32(x), &cell)
    }

    private func look(_ style: CellStyle) -> (attr_t, Int32) {
        var attributes = parley_a_normal()
        if style.bold { attributes |= parley_a_bold() }
        if style.italic { attributes |= parley_a_italic() }
        if style.underline { attributes |= parley_a_underline() }
        if theme != .none, style.foreground != nil || style.background != nil,
            let pair = colorPair(foreground: style.foreground, background: style.background)
        {
            return (attributes, pair)
        }
        let pair = Int32(pairs[style.role] ?? 0)
        if theme == .none {
            if style.reverse { attributes |= parley_a_reverse() }
            if style.role == .dim || style.role == .codeFrame { attributes |= parley_a_dim() }
            if style.role == .error { attributes |= parley_a_bold() }
        } else {
            if style.reverse && !theme.hasBackground(style.role, colorCount: colorCount) { attributes |= parley_a_reverse() }
            if style.role == .dim && colorCount < 16 { attributes |= parley_a_dim() }
        }
        return (attributes, pair)
    }

    /// A pair for a picture's colours, from ncurses' own pool (`alloc_pair` reuses the least
    /// recently used pair when it is full); nil on a terminal of fewer than 256 colours.
    private func colorPair(foreground: RGB?, background: RGB?) -> Int32? {
        let fg = foreground.map { $0.terminalColor(colorCount: colorCount) } ?? -1
        let bg = background.map { $0.terminalColor(colorCount: colorCount) } ?? -1
        guard let fg, let bg else { return nil }
        let pair = alloc_pair(Int32(fg), Int32(bg))
        return pair > 0 ? pair : nil
    }

    private func writeRaw(_ text: String) {
        if let outputFile { fflush(outputFile) }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Foundation.write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return
            }
            offset += n
        }
        bytes.removeAll()
    }
}
