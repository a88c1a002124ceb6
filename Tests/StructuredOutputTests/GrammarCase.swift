/// One schema and texts its grammar must accept and refuse.
///
/// Plain data on purpose: the same table can be run against the GGUF runtime's grammar matcher
/// once it parses our GBNF, as well as against the test recognizer here. Each expectation is
/// what llama.cpp's grammar for the schema accepts, quirks included (noted where they occur).
struct GrammarCase: Sendable, CustomStringConvertible {
    let name: String
    let schema: String
    let accepts: [String]
    let rejects: [String]

    var description: String { name }
}
