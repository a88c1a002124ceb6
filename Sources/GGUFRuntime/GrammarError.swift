/// Everything that can go wrong reading a GBNF grammar or generating under one.
///
/// Each description is one line, and errors about the grammar text say where (line:column,
/// columns counted in characters from 1), so a front end can show them as they are.
public enum GrammarError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not GBNF: what was expected and where.
    case syntax(String, line: Int, column: Int)
    /// A rule is used but never defined; the position is its first use.
    case undefinedRule(String, line: Int, column: Int)
    /// The same rule is defined twice (llama.cpp silently keeps the last one; that hides mistakes).
    case duplicateRule(String, line: Int, column: Int)
    /// The grammar has no rule with the start name.
    case missingRoot(String)
    /// A rule can reach itself without consuming a character; `cycle` names the rules in order,
    /// first and last equal. The position is the reference that closes the cycle.
    case leftRecursion(cycle: [String], line: Int, column: Int)
    /// The text or its expansion (repetitions are written out) is beyond the limits.
    case tooLarge(String)
    /// The grammar is so ambiguous at this point that the matcher would track more parse stacks
    /// than `limit` (left recursion through an optional rule can grow them without end).
    case tooManyStacks(limit: Int)
    /// A parse stack would be deeper than `limit`: nesting that deep, or left recursion through
    /// a rule that can be empty (which llama.cpp's check misses and its matcher loops on).
    case tooDeep(limit: Int)
    /// Bytes the grammar does not allow from the current state.
    case rejected(String)
    /// Generation: the output so far is not complete under the grammar, yet no token of the
    /// vocabulary can continue it (the grammar needs a character no token can produce).
    case noAllowedToken

    public var description: String {
        switch self {
        case let .syntax(message, line, column):
            return "grammar syntax error at \(line):\(column): \(message)"
        case let .undefinedRule(name, line, column):
            return "grammar error at \(line):\(column): rule '\(name)' is used but never defined"
        case let .duplicateRule(name, line, column):
            return "grammar error at \(line):\(column): rule '\(name)' is defined a second time"
        case let .missingRoot(name):
            return "grammar error: there is no rule named '\(name)' to start from; define '\(name) ::= ...'"
        case let .leftRecursion(cycle, line, column):
            if cycle.count <= 2 {
                return "grammar error at \(line):\(column): rule '\(cycle.first ?? "?")' is left-recursive (it can begin with itself); rewrite it with repetition, e.g. x ::= item (\"+\" item)*"
            }
            return "grammar error at \(line):\(column): rules are left-recursive: \(cycle.joined(separator: " -> ")); rewrite them with repetition"
        case let .tooLarge(message):
            return "grammar too large: \(message)"
        case let .tooManyStacks(limit):
            return "grammar too ambiguous: more than \(limit) parse stacks at once; simplify the grammar (nested optional repetitions?)"
        case let .tooDeep(limit):
            return "grammar too deep: a parse stack would hold more than \(limit) open rules; look for left recursion through a rule that can be empty"
        case let .rejected(what):
            return "grammar does not allow \(what) here"
        case .noAllowedToken:
            return "grammar dead end: the output is incomplete but no token can continue it"
        }
    }
}
