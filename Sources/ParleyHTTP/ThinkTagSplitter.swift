import ParleyCore

/// Separates `<think>…</think>` reasoning that some models put at the start of their answer text.
///
/// Servers that know the model's format send reasoning apart (`reasoning_content`); others pass
/// the raw text through. A pure value fed the content pieces as they stream: it holds back only
/// what could still be the start of a tag, so a tag split across chunks is still recognised, and
/// text that merely contains "<think>" later in an answer is left alone.
public struct ThinkTagSplitter: Sendable {
    private enum State: Sendable { case start, thinking, answering }

    private static let open = "<think>"
    private static let close = "</think>"
    private var state = State.start
    private var pending = ""
    /// Drop the blank line models put after `</think>`.
    private var trimLeading = false

    public init() {}

    public mutating func feed(_ text: String) -> [ReplyEvent] {
        var out: [ReplyEvent] = []
        var input = text
        while !input.isEmpty {
            switch state {
            case .start:
                pending += input
                input = ""
                let trimmed = pending.drop(while: { $0.isWhitespace })
                if trimmed.hasPrefix(Self.open) {
                    input = String(trimmed.dropFirst(Self.open.count))
                    pending = ""
                    state = .thinking
                } else if trimmed.isEmpty || Self.open.hasPrefix(trimmed) {
                    break  // could still become the tag
                } else {
                    state = .answering
                    input = pending
                    pending = ""
                }
            case .thinking:
                let buffer = pending + input
                input = ""
                pending = ""
                if let range = buffer.range(of: Self.close) {
                    let reasoning = String(buffer[..<range.lowerBound])
                    if !reasoning.isEmpty { out.append(.reasoning(reasoning)) }
                    state = .answering
                    trimLeading = true
                    input = String(buffer[range.upperBound...])
                } else {
                    let keep = Self.partialSuffix(of: buffer, matching: Self.close)
                    let emit = String(buffer.dropLast(keep))
                    pending = String(buffer.suffix(keep))
                    if !emit.isEmpty { out.append(.reasoning(emit)) }
                }
            case .answering:
                var text = input
                input = ""
                if trimLeading {
                    text = String(text.drop(while: { $0.isWhitespace }))
                    if text.isEmpty { break }
                    trimLeading = false
                }
                out.append(.text(text))
            }
        }
        return out
    }

    /// Whatever was held back, at the end of the stream.
    public mutating func finish() -> [ReplyEvent] {
        defer { pending = "" }
        guard !pending.isEmpty else { return [] }
        switch state {
        case .start, .answering: return [.text(pending)]
        case .thinking: return [.reasoning(pending)]
        }
    }

    /// The length of the longest end of `text` that is a proper beginning of `tag`.
    static func partialSuffix(of text: String, matching tag: String) -> Int {
        var length = min(tag.count - 1, text.count)
        while length > 0 {
            if tag.hasPrefix(text.suffix(length)) { return length }
            length -= 1
        }
        return 0
    }
}
