import Foundation

/// Finds and reads a JSON object inside a model's answer, forgiving what small models get wrong:
/// prose around it, ```json fences, trailing commas, single-quoted strings, Python's True/False/None,
/// and an answer cut off before its closing brackets. Shared by decide and write, which both read
/// JSON from models that may not have been constrained to it.
public enum LenientJSON {
    /// The first JSON object in `text` as Foundation values, or nil when there is none.
    public static func object(in text: String) -> [String: Any]? {
        var candidates: [String] = []
        if let fenced = fencedBlock(in: text) { candidates.append(fenced) }
        candidates.append(text)
        for candidate in candidates {
            guard let raw = firstObject(in: candidate) else { continue }
            let repaired = repair(raw)
            if let value = try? JSONSerialization.jsonObject(with: Data(repaired.utf8), options: [.fragmentsAllowed]),
                let object = value as? [String: Any]
            {
                return object
            }
        }
        return nil
    }

    /// The body of the first ``` fence (with or without a language tag).
    static func fencedBlock(in text: String) -> String? {
        guard let open = text.range(of: "```") else { return nil }
        var body = text[open.upperBound...]
        if let newline = body.firstIndex(of: "\n") { body = body[body.index(after: newline)...] }
        if let close = body.range(of: "```") { body = body[..<close.lowerBound] }
        return String(body)
    }

    /// From the first `{` to its matching `}`; when the text ends first, what is there, closed.
    static func firstObject(in text: String) -> String? {
        let chars = Array(text)
        guard let start = chars.firstIndex(of: "{") else { return nil }
        var stack: [Character] = []
        var quote: Character?
        var escaped = false
        var index = start
        while index < chars.count {
            let ch = chars[index]
            if let q = quote {
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == q { quote = nil }
            } else {
                switch ch {
                case "\"", "'":
                    // An apostrophe inside a word ("don't") is not a quote.
                    let previous = index > 0 ? chars[index - 1] : " "
                    if ch == "'" && (previous.isLetter || previous.isNumber) { break }
                    quote = ch
                case "{": stack.append("}")
                case "[": stack.append("]")
                case "}", "]":
                    if stack.last == ch { stack.removeLast() }
                    if stack.isEmpty { return String(chars[start...index]) }
                default: break
                }
            }
            index += 1
        }
        // Cut off: close the open string and brackets.
        var partial = String(chars[start...])
        if let q = quote { partial.append(q) }
        partial += String(stack.reversed())
        return partial
    }

    /// Rewrites single-quoted strings as JSON strings, drops trailing commas, maps Python literals.
    static func repair(_ text: String) -> String {
        var out = ""
        let chars = Array(text)
        var index = 0
        var word = ""
        func flushWord() {
            switch word {
            case "True": out += "true"
            case "False": out += "false"
            case "None": out += "null"
            default: out += word
            }
            word = ""
        }
        while index < chars.count {
            let ch = chars[index]
            if ch.isLetter {
                word.append(ch)
                index += 1
                continue
            }
            flushWord()
            if ch == "\"" || ch == "'" {
                // Copy a string, re-quoting it with double quotes.
                var body = ""
                index += 1
                while index < chars.count {
                    let c = chars[index]
                    if c == "\\" && index + 1 < chars.count {
                        let next = chars[index + 1]
                        if next == "'" { body.append("'") } else { body.append(c); body.append(next) }
                        index += 2
                        continue
                    }
                    if c == ch {
                        // A single quote followed by a letter is an apostrophe inside the string.
                        if ch == "'", index + 1 < chars.count, chars[index + 1].isLetter { body.append(c); index += 1; continue }
                        break
                    }
                    if c == "\"" { body += "\\\"" } else if c == "\n" { body += "\\n" } else if c == "\t" { body += "\\t" } else { body.append(c) }
                    index += 1
                }
                out += "\"" + body + "\""
                index += 1
                continue
            }
            if ch == "," {
                var look = index + 1
                while look < chars.count, chars[look].isWhitespace { look += 1 }
                if look < chars.count, chars[look] == "}" || chars[look] == "]" { index += 1; continue }
            }
            out.append(ch)
            index += 1
        }
        flushWord()
        return out
    }
}
