import Foundation
import ParleyCore

/// Finds sentences of a template's example answers that a draft repeats. Examples are there to
/// show the format; a small model tends to retell them instead ("Subject: Moving Friday's review
/// to Monday" in an email about a broken heater).
///
/// A sentence counts as copied when the draft contains all of it (sentences of four words or more),
/// has it as a sentence of its own (three words: "Subject: New address"), or shares any run of six
/// words with it. Shorter sentences are format ("Best regards,"), not content. Words the user gave
/// (in the filled instruction) are the user's own, so a run also found there is not a copy.
/// Comparison is on `TextTokens`, so case, punctuation and spacing do not hide a copy.
public struct CopyDetector: Sendable {
    /// The shortest sentence that counts, and the longest shared run that is still chance.
    static let shortestSentence = 3
    static let shortestContained = 4
    static let run = 6

    struct Sentence: Sendable {
        var text: String
        var tokens: [String]
    }

    let sentences: [Sentence]
    let userRuns: Set<String>
    let userTokens: [String]

    /// `examples`: the example answers (an answer that is JSON is read for its strings);
    /// `userText`: what the user gave (the filled instruction).
    public init(examples: [String], userText: String) {
        sentences = examples.flatMap(Self.sentences(in:)).compactMap { text in
            let tokens = TextTokens.tokens(text)
            return tokens.count >= Self.shortestSentence ? Sentence(text: text, tokens: tokens) : nil
        }
        userTokens = TextTokens.tokens(userText)
        userRuns = Self.runs(userTokens, length: Self.run)
    }

    /// The example sentences the draft repeats, as written in the example, in example order.
    public func copies(in draft: String) -> [String] {
        let tokens = TextTokens.tokens(draft)
        let draftRuns = Self.runs(tokens, length: Self.run)
        let draftSentences = Set(Self.sentences(in: draft).map { TextTokens.tokens($0) })
        var found: [String] = []
        for sentence in sentences where !found.contains(sentence.text) {
            if sentence.tokens.count >= Self.run {
                let shared = Self.runs(sentence.tokens, length: Self.run).subtracting(userRuns)
                if !shared.isDisjoint(with: draftRuns) { found.append(sentence.text) }
            } else if Self.contains(userTokens, sentence.tokens) {
                continue
            } else if sentence.tokens.count >= Self.shortestContained ? Self.contains(tokens, sentence.tokens)
                : draftSentences.contains(sentence.tokens)
            {
                found.append(sentence.text)
            }
        }
        return found
    }

    /// The draft without the sentences that repeat an example, by the same rules as `copies(in:)`,
    /// and the sentences taken out. A line left with nothing but a list number, a bullet or a label
    /// goes with them. The last resort after a second attempt also copied: what the example said
    /// is never the user's content.
    public func removingCopies(from draft: String) -> (text: String, removed: [String]) {
        var removed: [String] = []
        var kept: [String] = []
        for line in draft.components(separatedBy: "\n") {
            var remaining = ""
            var changed = false
            for sentence in Self.pieces(of: line) {
                if isCopy(TextTokens.tokens(sentence)) {
                    removed.append(sentence.trimmingCharacters(in: .whitespaces))
                    changed = true
                } else {
                    remaining += sentence
                }
            }
            guard changed else {
                kept.append(line)
                continue
            }
            let content = remaining.trimmingCharacters(in: .whitespaces)
            let bare = content.drop { $0.isNumber || "-*.):#\u{2022} ".contains($0) }
            let label = SubjectLine.subject(of: content).map(\.isEmpty) ?? false
            if !bare.isEmpty && !label { kept.append(String(line.prefix { $0 == " " }) + content) }
        }
        return (kept.joined(separator: "\n"), removed)
    }

    /// Whether a sentence of the draft repeats an example sentence.
    private func isCopy(_ tokens: [String]) -> Bool {
        let runs = Self.runs(tokens, length: Self.run)
        return sentences.contains { sentence in
            if sentence.tokens.count >= Self.run {
                return !Self.runs(sentence.tokens, length: Self.run).subtracting(userRuns).isDisjoint(with: runs)
            }
            if Self.contains(userTokens, sentence.tokens) { return false }
            return sentence.tokens.count >= Self.shortestContained ? Self.contains(tokens, sentence.tokens) : tokens == sentence.tokens
        }
    }

    /// A line cut after each sentence end, keeping every character (so the pieces join back).
    static func pieces(of line: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in line {
            current.append(character)
            if ".!?。！？".contains(character) {
                pieces.append(current)
                current = ""
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    /// An example answer's sentences: its lines cut at sentence ends. A JSON answer gives the
    /// sentences of its strings.
    static func sentences(in example: String) -> [String] {
        let text: String
        if let object = LenientJSON.object(in: example), example.trimmingCharacters(in: .whitespaces).hasPrefix("{") {
            text = strings(in: object).joined(separator: "\n")
        } else {
            text = example
        }
        var result: [String] = []
        for line in text.components(separatedBy: .newlines) {
            var sentence = ""
            for character in line {
                sentence.append(character)
                if ".!?。！？".contains(character) {
                    appendTrimmed(&result, sentence)
                    sentence = ""
                }
            }
            appendTrimmed(&result, sentence)
        }
        return result
    }

    private static func appendTrimmed(_ list: inout [String], _ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty { list.append(trimmed) }
    }

    /// Every string inside a JSON value, depth first.
    static func strings(in value: Any) -> [String] {
        switch value {
        case let text as String: return [text]
        case let list as [Any]: return list.flatMap(strings(in:))
        case let object as [String: Any]: return object.keys.sorted().flatMap { strings(in: object[$0]!) }
        default: return []
        }
    }

    static func runs(_ tokens: [String], length: Int) -> Set<String> {
        guard tokens.count >= length else { return [] }
        return Set((0...(tokens.count - length)).map { tokens[$0..<($0 + length)].joined(separator: " ") })
    }

    static func contains(_ tokens: [String], _ part: [String]) -> Bool {
        guard !part.isEmpty, tokens.count >= part.count else { return false }
        return (0...(tokens.count - part.count)).contains { tokens[$0..<($0 + part.count)].elementsEqual(part) }
    }
}
