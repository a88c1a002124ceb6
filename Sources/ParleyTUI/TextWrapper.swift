/// Word-wraps styled text to a width in columns (by display width, never by character count).
///
/// Lines break at spaces; a word wider than the line is broken between grapheme clusters. Spaces at
/// a break are dropped; spaces inside a line, and leading ones on the first line, are kept (code
/// stays indented). Continuation lines start with `hangingIndent` columns of spaces.
public enum TextWrapper {
    public static func wrap(
        _ runs: [StyledRun], width: Int, prefix: [StyledRun] = [], hangingIndent: Int? = nil
    ) -> [StyledLine] {
        let prefixWidth = prefix.reduce(0) { $0 + DisplayWidth.of($1.text) }
        let indent = hangingIndent ?? prefixWidth
        let width = max(1, width)
        var lines: [StyledLine] = []
        var current = StyledLine(prefix)
        var used = prefixWidth
        var atContinuationStart = false
        var lineStart = prefixWidth
        // On a screen too narrow for the indent and a wide glyph, continuation lines start at the edge.
        let lineStartAfterBreak = indent + 2 <= width ? indent : 0
        var pendingSpaces: [StyledRun] = []
        var pendingSpaceWidth = 0

        func newLine() {
            lines.append(current)
            current = StyledLine(lineStartAfterBreak > 0 ? [StyledRun(String(repeating: " ", count: lineStartAfterBreak))] : [])
            used = lineStartAfterBreak
            lineStart = lineStartAfterBreak
            atContinuationStart = true
            pendingSpaces = []
            pendingSpaceWidth = 0
        }
        func append(_ text: String, _ style: CellStyle, _ w: Int) {
            if let last = current.runs.last, last.style == style {
                current.runs[current.runs.count - 1].text += text
            } else {
                current.runs.append(StyledRun(text, style))
            }
            used += w
        }

        for word in words(in: runs) {
            if word.isSpace {
                if atContinuationStart { continue }
                pendingSpaces.append(StyledRun(word.pieces.map(\.text).joined(), word.pieces[0].style))
                pendingSpaceWidth += word.width
                continue
            }
            let hasContent = used > lineStart
            if used + pendingSpaceWidth + word.width > width && hasContent && word.width <= width - lineStartAfterBreak {
                newLine()
            } else if used + pendingSpaceWidth < width {
                for space in pendingSpaces { append(space.text, space.style, DisplayWidth.of(space.text)) }
            }
            pendingSpaces = []
            pendingSpaceWidth = 0
            // Place the word, breaking it where it does not fit.
            for piece in word.pieces {
                var chunk = ""
                var chunkWidth = 0
                for character in piece.text {
                    let w = DisplayWidth.of(character)
                    if used + chunkWidth + w > width {
                        if !chunk.isEmpty { append(chunk, piece.style, chunkWidth) }
                        chunk = ""
                        chunkWidth = 0
                        newLine()
                        atContinuationStart = false
                    }
                    chunk.append(character)
                    chunkWidth += w
                }
                if !chunk.isEmpty { append(chunk, piece.style, chunkWidth) }
            }
            atContinuationStart = false
        }
        lines.append(current)
        return lines
    }

    /// A word or a run of spaces, possibly made of several styled pieces ("**bold**text" is one word).
    struct Word {
        var pieces: [StyledRun]
        var width: Int
        var isSpace: Bool
    }

    static func words(in runs: [StyledRun]) -> [Word] {
        var result: [Word] = []
        for run in runs {
            var text = ""
            var textWidth = 0
            var isSpace: Bool?
            func flush() {
                guard let space = isSpace, !text.isEmpty else { return }
                if let last = result.last, last.isSpace == space {
                    result[result.count - 1].pieces.append(StyledRun(text, run.style))
                    result[result.count - 1].width += textWidth
                } else {
                    result.append(Word(pieces: [StyledRun(text, run.style)], width: textWidth, isSpace: space))
                }
                text = ""
                textWidth = 0
            }
            for character in run.text {
                let space = character == " " || character == "\t"
                if isSpace != nil && isSpace != space { flush() }
                isSpace = space
                let glyph: Character = character == "\t" ? " " : character
                text.append(glyph)
                textWidth += DisplayWidth.of(glyph)
            }
            flush()
        }
        return result
    }
}
