import Foundation

/// Renumbers numbered lists so each starts at 1 and counts up by one. Small models continue the
/// numbering of a few-shot example ("4. ...") or skip numbers; the reader should never see that.
///
/// A list is a run of lines starting `N.` or `N)` at the same indentation. Indented lines, bullets
/// and blank lines between its items belong to it (an outline's sub-points); any other line at the
/// list's indentation or less (a heading) ends it, so the next list starts again at 1. Lines inside
/// a fenced code block are never touched.
public enum ListNumbering {
    public static func renumber(_ text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        // Per indentation, the number the next item there gets; deeper entries go when a shallower
        // line is met.
        var next: [(indent: Int, number: Int)] = []
        var inFence = false
        for index in lines.indices {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                inFence.toggle()
                next.removeAll()
                continue
            }
            if inFence || trimmed.isEmpty { continue }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if let item = numberedItem(line) {
                next.removeAll { $0.indent > indent }
                let number: Int
                if let last = next.last, last.indent == indent {
                    number = last.number
                    next[next.count - 1].number += 1
                } else {
                    number = 1
                    next.append((indent, 2))
                }
                lines[index] = String(line.prefix(indent)) + "\(number)" + item.rest
            } else {
                // A bullet or text deeper than an item belongs to that item (a bullet at the
                // item's own depth too); anything else ends the lists at its depth and deeper.
                let isBullet = trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.hasPrefix("\u{2022}")
                next.removeAll { isBullet ? $0.indent > indent : $0.indent >= indent }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A line `  12. text` or `12) text`: what follows the number (`". text"`).
    static func numberedItem(_ line: String) -> (number: Int, rest: String)? {
        let body = line.drop { $0 == " " || $0 == "\t" }
        let digits = body.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 3, let number = Int(digits) else { return nil }
        let rest = body.dropFirst(digits.count)
        guard let mark = rest.first, mark == "." || mark == ")" else { return nil }
        let after = rest.dropFirst()
        guard after.isEmpty || after.first == " " || after.first == "\t" else { return nil }
        return (number, String(rest))
    }
}
