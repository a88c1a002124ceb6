import Foundation
import GGUFRuntime
import ParleyCore
import StructuredOutput

/// The grammar a reply must follow under a response format: a JSON schema converted into GBNF the
/// way llama.cpp converts it (so constrained greedy output matches llama-server's), or the
/// user's own GBNF.
public enum ResponseGrammar {
    public static func gbnf(for format: ResponseFormat) throws -> String {
        switch format {
        case .jsonSchema(_, let schema):
            return try JSONSchema(parsing: schema).gbnf()
        case .grammar(let text):
            return text
        }
    }
}

/// Compiled constraints by format, a few at a time. A constraint's copies share its caches of
/// allowed-token masks, so a schema asked for again (every step of a decision, every retry)
/// starts with the masks it has already computed.
final class ResponseConstraintCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(format: ResponseFormat, constraint: GrammarConstraint)] = []
    private let capacity = 8

    func constraint(for format: ResponseFormat, tokenizer: Tokenizer) throws -> GrammarConstraint {
        if let hit = lock.withLock({ entries.first { $0.format == format }?.constraint }) { return hit }
        let made = try GrammarConstraint(grammar: Grammar(gbnf: ResponseGrammar.gbnf(for: format)), tokenizer: tokenizer)
        lock.withLock {
            entries.removeAll { $0.format == format }
            entries.insert((format, made), at: 0)
            if entries.count > capacity { entries.removeLast() }
        }
        return made
    }
}
