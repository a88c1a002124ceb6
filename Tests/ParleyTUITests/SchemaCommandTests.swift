import Foundation
import ParleyCore
import Testing

@testable import ParleyTUI

/// `/schema FILE` and `/schema off`: the runner reads the schema; the screen shows it is on.
@Suite("Schema command")
struct SchemaCommandTests {
    @Test func parsesAFileOrOff() throws {
        #expect(try SlashCommand.parse("/schema decide.json").get() == .schema(path: "decide.json"))
        #expect(try SlashCommand.parse("/schema  my schemas/a.json ").get() == .schema(path: "my schemas/a.json"))
        #expect(try SlashCommand.parse("/schema OFF").get() == .schema(path: nil))
        guard case .failure(let error) = SlashCommand.parse("/schema") else {
            Issue.record("/schema without an argument parsed")
            return
        }
        #expect(error.description.contains("JSON schema file"))
        #expect(SlashCompleter.candidates(for: "/schema o", personas: [], backends: [], models: []) == ["/schema off"])
    }

    @Test func theCommandAsksTheRunnerAndTheStatusLineShowsTheSchemaOnceItIsRead() {
        var h = ChatHarness()
        h.type("/schema rating.json")
        #expect(h.key(.enter) == [.setSchema(path: "rating.json")])
        #expect(h.state.schema == nil)  // not on until the runner has read and checked it
        #expect(!h.render().rowText(23).contains("schema"))
        h.send(.schemaChanged("rating"))
        #expect(h.state.schema == "rating")
        #expect(h.render().rowText(23).contains("schema rating"))
        #expect(h.state.notice?.text.contains("follow the schema rating") == true)
        h.type("/schema off")
        #expect(h.key(.enter) == [.setSchema(path: nil)])
        h.send(.schemaChanged(nil))
        #expect(h.state.schema == nil)
        #expect(!h.render().rowText(23).contains("schema"))
    }

    @Test func itIsRefusedWhileAReplyStreams() {
        var h = ChatHarness()
        h.type("hello")
        h.key(.enter)
        h.type("/schema rating.json")
        #expect(h.key(.enter).isEmpty)
        #expect(h.state.notice?.isError == true)
    }
}
