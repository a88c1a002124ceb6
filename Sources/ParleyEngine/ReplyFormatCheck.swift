import Foundation
import ParleyCore
import StructuredOutput

/// Whether a reply asked for under a JSON schema is JSON that validates against it.
public enum ReplyFormatCheck: Sendable, Equatable {
    /// The reply, parsed; it validates.
    case valid(JSONValue)
    /// One line saying what is wrong.
    case invalid(String)

    /// Checks `text` against `schema` (JSON Schema as JSON text). `cutAtTokenLimit` adds why a
    /// reply may have stopped half-way.
    public static func check(_ text: String, schema: String, cutAtTokenLimit: Bool = false) -> ReplyFormatCheck {
        let hint = cutAtTokenLimit ? " (the reply stopped at its token limit; raise --max-tokens)" : ""
        let compiled: JSONSchema
        do {
            compiled = try JSONSchema(parsing: schema)
        } catch {
            return .invalid("the schema is not usable: \(error)")
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            return .invalid("the reply is not JSON: \(error)\(hint)")
        }
        let violations = compiled.validate(value)
        guard let first = violations.first else { return .valid(value) }
        let more = violations.count > 1 ? " (and \(violations.count - 1) more)" : ""
        return .invalid("the reply does not follow the schema: \(first)\(more)\(hint)")
    }
}
