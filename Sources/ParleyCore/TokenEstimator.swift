/// A tokenizer-free estimate of how many tokens a text takes, for backends whose tokenizer is unknown.
///
/// Latin text averages about four bytes per token in common BPE vocabularies; CJK and other
/// non-Latin scripts come close to one token per character. The estimate errs high so that a
/// fitted history rarely overflows a server's context.
public enum TokenEstimator {
    /// Overhead of the chat format around one message (role markers, separators).
    public static let perMessageOverhead = 4

    public static func estimate(_ text: String) -> Int {
        var asciiBytes = 0
        var other = 0
        for scalar in text.unicodeScalars {
            if scalar.isASCII { asciiBytes += 1 } else { other += 1 }
        }
        return (asciiBytes + 2) / 3 + other
    }

    public static func estimate(_ message: ChatMessage) -> Int {
        estimate(message.content) + perMessageOverhead
    }

    /// A floor under `estimate(_:)` from the size alone (no scan of the text): a scalar is at most
    /// four bytes, and four ASCII bytes never estimate below one token.
    public static func minimum(_ message: ChatMessage) -> Int {
        message.content.utf8.count / 4 + perMessageOverhead
    }
}
