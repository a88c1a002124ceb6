import Foundation

/// A small Markdown renderer for replies: headings, bold and italic, inline code, fenced code blocks
/// set apart in a frame, bullet and numbered lists with hanging indents, block quotes, rules, and
/// links shown as their text.
///
/// It works line by line and never looks ahead, so a reply renders the same while it streams as
/// after it ends: a line that is still arriving is rendered as it stands, an unclosed fence frames
/// what follows it, and an unclosed `**` shows as written.
public enum MarkdownLite {
    public static func render(_ text: String, width: Int, base: CellStyle = .plain) -> [StyledLine] {
        var progress = Progress()
        return render(Substring(text), width: width, base: base, progress: &progress)
    }

    /// Where rendering stands between lines: inside a fence or not. Carrying it over lets a
    /// streaming reply render only its new lines.
    public struct Progress: Sendable, Equatable {
        var inFence = false
        var fenceMarker = ""
        public init() {}
    }

    /// Renders `text` as the continuation of earlier lines that left `progress` behind.
    public static func render(_ text: Substring, width: Int, base: CellStyle = .plain, progress: inout Progress) -> [StyledLine] {
        var lines: [StyledLine] = []
        var inFence = progress.inFence
        var fenceMarker = progress.fenceMarker
        defer {
            progress.inFence = inFence
            progress.fenceMarker = fenceMarker
        }
        let frame = CellStyle(.codeFrame)
        let code = CellStyle(.code)
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            let trimmed = line.drop(while: { $0 == " " })
            if inFence {
                if trimmed.hasPrefix(fenceMarker) && trimmed.drop(while: { $0 == fenceMarker.first }).allSatisfy({ $0 == " " }) {
                    inFence = false
                    lines.append(StyledLine("╰─", frame))
                    continue
                }
                let body = line.replacingOccurrences(of: "\t", with: "    ")
                lines += TextWrapper.wrap([StyledRun(body.isEmpty ? " " : body, code)], width: width, prefix: [StyledRun("│ ", frame)], hangingIndent: 0)
                    .map { continuation($0, frame: frame) }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inFence = true
                fenceMarker = String(trimmed.prefix(3))
                let language = trimmed.dropFirst(3).trimmingCharacters(in: .whitespaces)
                lines.append(StyledLine([StyledRun("╭─" + (language.isEmpty ? "" : " " + language), frame)]))
                continue
            }
            if trimmed.isEmpty {
                lines.append(StyledLine())
                continue
            }
            if let heading = heading(trimmed) {
                var style = CellStyle(.heading, bold: true)
                style.underline = heading.level == 1
                lines += TextWrapper.wrap(inline(heading.text, base: style), width: width)
                continue
            }
            if isRule(trimmed) {
                lines.append(StyledLine(String(repeating: "─", count: max(1, min(width, 40))), CellStyle(.dim)))
                continue
            }
            if trimmed.hasPrefix(">") {
                let body = trimmed.dropFirst().drop(while: { $0 == " " })
                let quote = CellStyle(.quote, italic: true)
                lines += TextWrapper.wrap(inline(String(body), base: quote), width: width, prefix: [StyledRun("▎ ", CellStyle(.dim))])
                continue
            }
            if let item = listItem(line) {
                let indent = String(repeating: " ", count: item.level * 2)
                let marker = StyledRun(indent + item.marker + " ", CellStyle(.dim))
                lines += TextWrapper.wrap(inline(item.text, base: base), width: width, prefix: [marker])
                continue
            }
            lines += TextWrapper.wrap(inline(line, base: base), width: width)
        }
        return lines
    }

    /// Continuation rows of a wrapped code line keep the frame.
    static func continuation(_ line: StyledLine, frame: CellStyle) -> StyledLine {
        if line.runs.first?.text.hasPrefix("│") == true { return line }
        return StyledLine([StyledRun("│ ", frame)] + line.runs)
    }

    static func heading(_ text: Substring) -> (level: Int, text: String)? {
        let hashes = text.prefix(while: { $0 == "#" }).count
        guard hashes >= 1, hashes <= 6 else { return nil }
        let rest = text.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " else { return nil }
        var body = rest.trimmingCharacters(in: .whitespaces)
        while body.hasSuffix("#") { body.removeLast() }
        return (hashes, body.trimmingCharacters(in: .whitespaces))
    }

    static func isRule(_ text: Substring) -> Bool {
        let compact = text.filter { $0 != " " }
        guard compact.count >= 3, let first = compact.first, "-*_".contains(first) else { return false }
        return compact.allSatisfy { $0 == first }
    }

    /// `- item`, `* item`, `+ item`, `1. item`, `1) item`; the level comes from the leading spaces.
    static func listItem(_ line: String) -> (level: Int, marker: String, text: String)? {
        let spaces = line.prefix(while: { $0 == " " }).count
        let rest = line.dropFirst(spaces)
        if let first = rest.first, "-*+".contains(first), rest.dropFirst().first == " " {
            return (spaces / 2, "•", String(rest.dropFirst(2)))
        }
        let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        let after = rest.dropFirst(digits.count)
        guard let mark = after.first, mark == "." || mark == ")", after.dropFirst().first == " " else { return nil }
        return (spaces / 2, String(digits) + String(mark), String(after.dropFirst(2)))
    }

    /// Inline spans: `code`, **bold**, __bold__, *italic*, _italic_, [text](url), <url>, \escapes.
    /// A marker without its closing partner is shown as written.
    public static func inline(_ text: String, base: CellStyle = .plain) -> [StyledRun] {
        let chars = Array(text)
        var runs: [StyledRun] = []
        var buffer = ""
        var bold = false
        var italic = false
        func style() -> CellStyle {
            var s = base
            if bold { s.bold = true }
            if italic { s.italic = true }
            return s
        }
        func flush() {
            if !buffer.isEmpty { runs.append(StyledRun(buffer, style())) }
            buffer = ""
        }
        func find(_ needle: [Character], from start: Int) -> Int? {
            guard !needle.isEmpty, start + needle.count <= chars.count else { return nil }
            var i = start
            while i + needle.count <= chars.count {
                if Array(chars[i..<(i + needle.count)]) == needle { return i }
                i += 1
            }
            return nil
        }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, "\\`*_[]()<>#-+.!".contains(chars[i + 1]) {
                buffer.append(chars[i + 1])
                i += 2
                continue
            }
            if c == "`" {
                let ticks = chars[i...].prefix(while: { $0 == "`" }).count
                if let end = find(Array(repeating: "`", count: ticks), from: i + ticks) {
                    flush()
                    var codeText = String(chars[(i + ticks)..<end])
                    if ticks > 1 { codeText = codeText.trimmingCharacters(in: .whitespaces) }
                    runs.append(StyledRun(codeText, CellStyle(.code, bold: bold, italic: italic)))
                    i = end + ticks
                    continue
                }
                buffer.append(String(repeating: "`", count: ticks))
                i += ticks
                continue
            }
            if (c == "*" || c == "_"), i + 1 < chars.count, chars[i + 1] == c {
                let marker: [Character] = [c, c]
                if bold {
                    flush()
                    bold = false
                    i += 2
                    continue
                }
                if i + 2 < chars.count, chars[i + 2] != " ", find(marker, from: i + 2) != nil {
                    flush()
                    bold = true
                    i += 2
                    continue
                }
            }
            if c == "*" || c == "_" {
                let before: Character? = i > 0 ? chars[i - 1] : nil
                if italic && before != " " {
                    flush()
                    italic = false
                    i += 1
                    continue
                }
                let wordBoundary = c == "*" || before == nil || !(before!.isLetter || before!.isNumber)
                if !italic, wordBoundary, i + 1 < chars.count, chars[i + 1] != " ", let end = find([c], from: i + 1), end > i + 1 {
                    flush()
                    italic = true
                    i += 1
                    continue
                }
            }
            if c == "[", let close = find(["]"], from: i + 1), close + 1 < chars.count, chars[close + 1] == "(",
                let paren = find([")"], from: close + 2)
            {
                flush()
                let label = String(chars[(i + 1)..<close])
                var link = CellStyle(.link, underline: true)
                link.bold = bold
                link.italic = italic
                runs.append(StyledRun(label.isEmpty ? String(chars[(close + 2)..<paren]) : label, link))
                i = paren + 1
                continue
            }
            if c == "<", let close = find([">"], from: i + 1), close > i + 1 {
                let inside = String(chars[(i + 1)..<close])
                if inside.hasPrefix("http://") || inside.hasPrefix("https://") || inside.hasPrefix("mailto:") {
                    flush()
                    runs.append(StyledRun(inside, CellStyle(.link, underline: true)))
                    i = close + 1
                    continue
                }
            }
            buffer.append(c)
            i += 1
        }
        flush()
        return runs
    }
}
