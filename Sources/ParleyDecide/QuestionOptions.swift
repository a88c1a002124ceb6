import Foundation

/// Reads the options a question already names ("Should I take the train or fly?", "A, B or C?",
/// "坐火车还是坐飞机？"), so the model is not asked for what the user said, and the options carry the
/// user's own words. It only splits and trims: when the question does not read as "X or Y", it
/// returns nothing and the model is asked.
public enum QuestionOptions {
    /// Leading words that belong to the question, not to the first option.
    static let leadingWords: Set<String> = [
        "should", "shall", "would", "could", "can", "do", "does", "did", "is", "are", "was", "i", "we", "you", "it",
        "to", "whether", "which", "what", "better", "best", "be", "it's", "i'm", "either", "go", "for", "with",
    ]
    /// Articles dropped from the front of an option ("a dog" → "Dog").
    static let articles: Set<String> = ["a", "an", "the", "my", "our"]
    /// Words that end the last option: what follows is context ("fly from Berlin", "Rust first").
    static let trailingStops: Set<String> = [
        "from", "for", "because", "when", "this", "next", "first", "now", "today", "tonight", "instead",
        "given", "if", "since", "as", "after", "before", "while", "during",
    ]
    /// Words an option does not end with.
    static let danglingWords: Set<String> = ["in", "to", "at", "on", "near", "with", "of", "a", "an", "the", "and", "my", "our"]
    static let chinesePrefixes = ["我应该", "我们应该", "应该", "我该", "我要", "我想", "要不要", "是", "我"]
    static let chineseStops: [Character] = ["去", "从", "？", "?", "，", ",", "呢", "好", "比较", "更"].compactMap { $0.first }

    public static func options(in question: String) -> [String] {
        let text = question.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.contains("还是") { return chinese(text) }
        return english(text)
    }

    static func english(_ question: String) -> [String] {
        let trimmed = question.trimmingCharacters(in: CharacterSet(charactersIn: "?!. ").union(.whitespaces))
        let parts = trimmed.components(separatedBy: " or ")
        guard parts.count == 2 else { return [] }
        // The last option: up to a word that starts the context, at most four words.
        var last: [Substring] = []
        for word in parts[1].split(separator: " ") {
            if trailingStops.contains(word.lowercased()) || last.count == 4 { break }
            if let end = word.firstIndex(where: { ",;:".contains($0) }) {
                last.append(word[..<end])
                break
            }
            last.append(word)
        }
        // Cut at the word limit, a dangling "in"/"to" belongs to the context ("buy a flat in Munich").
        while let word = last.last, last.count > 1, danglingWords.contains(word.lowercased()) { last.removeLast() }
        let lastName = name(last)
        guard !lastName.isEmpty else { return [] }
        // Earlier options: "A, B" before " or "; the first takes as many words as the last has.
        var earlier = parts[0].components(separatedBy: ", ")
        let head = earlier.removeFirst().split(separator: " ")
        let wanted = max(1, last.count - (articles.contains(last.first.map { $0.lowercased() } ?? "") ? 1 : 0))
        var firstWords = Array(head.suffix(wanted + 1))
        if firstWords.count > wanted, !articles.contains(firstWords[0].lowercased()) { firstWords.removeFirst() }
        while let word = firstWords.first, leadingWords.contains(word.lowercased()) { firstWords.removeFirst() }
        // "Which is better, Python or Go?": the head is all question, no option.
        let names = ([name(firstWords)] + earlier.map { name($0.split(separator: " ")) } + [lastName]).filter { !$0.isEmpty }
        return distinct(names)
    }

    static func chinese(_ question: String) -> [String] {
        let parts = question.components(separatedBy: "还是")
        guard parts.count == 2 else { return [] }
        var first = parts[0].trimmingCharacters(in: .whitespaces)
        var stripped = true
        while stripped {
            stripped = false
            for prefix in chinesePrefixes where first.hasPrefix(prefix) && first.count > prefix.count {
                first = String(first.dropFirst(prefix.count))
                stripped = true
            }
        }
        var second = ""
        for character in parts[1].trimmingCharacters(in: .whitespaces) {
            if !second.isEmpty, chineseStops.contains(character) { break }
            if character == "？" || character == "?" { break }
            second.append(character)
        }
        return distinct([first, second].map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "，,。？? ")) })
    }

    /// Words as an option name: articles off the front, the first letter capitalised.
    static func name<S: StringProtocol>(_ words: [S]) -> String {
        var words = words.map { String($0) }
        while words.count > 1, let first = words.first, articles.contains(first.lowercased()) { words.removeFirst() }
        let joined = DecisionNames.clean(words.joined(separator: " "))
        guard let first = joined.first else { return "" }
        return first.uppercased() + joined.dropFirst()
    }

    /// Two or more different, non-empty names of a sensible length; otherwise none.
    static func distinct(_ names: [String]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for name in names where !name.isEmpty && name.count <= DecisionSchemas.optionNameLength {
            if seen.insert(DecisionNames.key(name)).inserted { out.append(name) }
        }
        return out.count >= 2 && out.count == names.count ? out : []
    }
}
