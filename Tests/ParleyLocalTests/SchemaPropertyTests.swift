import Foundation
import GGUFRuntime
import ParleyCore
import StructuredOutput
import ParleyTestThreads
import Testing

@testable import ParleyLocal

/// Whatever the schema, a reply from the default model under it is JSON that validates: 50
/// generated schemas (nested objects, enums, bounded arrays, integer ranges, bounded strings),
/// sampled at the chat's usual temperature with a fixed seed each.
@Suite("Schema property", .heavy, .serialized)
struct SchemaPropertyTests {
    static let schemaCount = 50

    @Test func everyReplyUnderAGeneratedSchemaValidates() async throws {
        let backend = try DefaultModel.require()
        var generator = RandomSchemaGenerator(seed: 20261203)
        var failures: [String] = []
        var totalTokens = 0
        for index in 0..<Self.schemaCount {
            let schemaValue = generator.next()
            let schemaText = schemaValue.serialized
            let schema = try JSONSchema(parsing: schemaText)
            let request = ChatRequest(
                messages: [ChatMessage(role: .user, content: "Fill in this form with sensible made-up values.")],
                sampling: SamplingOptions(temperature: 0.8, maxTokens: 768, seed: UInt64(index)),
                format: .jsonSchema(name: "case\(index)", schema: schemaText))
            let (text, events) = try await collect(backend, request)
            let finish = events.compactMap { if case .finish(let reason) = $0 { reason } else { nil } }.last
            for case .usage(let usage) in events { totalTokens += usage.completionTokens }
            guard finish == .stop else {
                failures.append("#\(index) ended with \(String(describing: finish)) after \(text.count) characters: \(schemaText)")
                continue
            }
            do {
                let violations = schema.validate(try JSONValue.parse(text))
                if !violations.isEmpty { failures.append("#\(index): \(violations.first!) in \(text) for \(schemaText)") }
            } catch {
                failures.append("#\(index): not JSON (\(error)): \(text)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(Self.schemaCount) replies failed:\n\(failures.joined(separator: "\n"))")
        #expect(totalTokens > Self.schemaCount * 5, "only \(totalTokens) tokens in all")
    }
}
