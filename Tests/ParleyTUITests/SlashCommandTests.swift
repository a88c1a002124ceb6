import ParleyCore
import Testing

@testable import ParleyTUI

@Suite("Slash commands")
struct SlashCommandTests {
    static let good: [(String, SlashCommand)] = [
        ("/new", .new), ("/title  A trip ", .title("A trip")), ("/persona coder", .persona("coder")),
        ("/mode write", .mode(.write)), ("/mode CHAT", .mode(.chat)), ("/backend local", .backend("local")),
        ("/model gpt-x", .model("gpt-x")), ("/system Be brief.", .system("Be brief.")), ("/retry", .retry),
        ("/edit", .edit), ("/export md", .export(format: .md, path: nil)),
        ("/export json out/file name.json", .export(format: .json, path: "out/file name.json")),
        ("/search 中文", .search("中文")), ("/delete", .delete), ("/copy", .copy), ("/think", .think), ("/help", .help), ("/quit", .quit),
        ("/lora adapters/style.gguf:0.5", .lora("adapters/style.gguf:0.5")), ("/lora OFF", .lora(nil)),
    ]

    @Test(arguments: good)
    func parses(_ sample: (String, SlashCommand)) throws {
        #expect(try SlashCommand.parse(sample.0).get() == sample.1)
    }

    static let bad: [(String, String)] = [
        ("/", "type a command"), ("/nope", "unknown command /nope"), ("/title", "needs a title"),
        ("/mode fast", "chat, decide or write"), ("/export", "md or json"), ("/retry now", "takes no argument"),
        ("/search", "needs text"), ("/think more", "takes no argument"), ("/lora", "/lora FILE[:SCALE]"),
    ]

    @Test(arguments: bad)
    func refuses(_ sample: (String, String)) {
        guard case .failure(let error) = SlashCommand.parse(sample.0) else {
            Issue.record("\(sample.0) parsed")
            return
        }
        #expect(error.description.contains(sample.1), "\(error.description)")
    }

    @Test func completion() {
        let names = (personas: ["assistant", "coder"], backends: ["local", "openai"], models: ["m1"])
        func complete(_ line: String) -> String? {
            SlashCompleter.complete(line, personas: names.personas, backends: names.backends, models: names.models)?.line
        }
        #expect(complete("/n") == "/new")
        #expect(complete("/e") == "/e")  // edit, export: nothing in common to add
        #expect(SlashCompleter.candidates(for: "/e", personas: [], backends: [], models: []) == ["/edit", "/export "])
        #expect(complete("/mode d") == "/mode decide")
        #expect(complete("/backend o") == "/backend openai")
        #expect(complete("/export j") == "/export json")
        #expect(complete("/zzz") == nil)
        #expect(complete("hello") == nil)
    }
}
