import ArgumentParser
import Foundation
import ParleyCore
import ParleyPersonas

/// `parley personas ...`: which personas exist and exactly what each sends.
struct PersonasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "personas", abstract: "List personas and show what they send.",
        subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the available personas.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print a JSON array (name, description, mode, source).") var json = false

        func run() async throws {
            let personas = try AppContext(global: global).loadPersonas().all
            if json {
                struct Entry: Encodable { var name, description, mode: String; var source: String? }
                Console.out(try JSONOutput.encode(personas.map {
                    Entry(name: $0.name, description: $0.description, mode: $0.mode.rawValue, source: $0.source)
                }) + "\n")
            } else {
                let width = personas.map(\.name.count).max() ?? 0
                Console.out(personas.map {
                    $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.mode.rawValue
                        .padding(toLength: 6, withPad: " ", startingAt: 0) + "  " + $0.description
                }.joined(separator: "\n") + "\n")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a persona's prompt and examples as they are sent.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The persona's name.") var name: String

        func run() async throws {
            let persona = try AppContext(global: global).loadPersonas().persona(named: name)
            var out = "\(persona.name) — \(persona.description)\n"
            out += "mode \(persona.mode.rawValue)"
            if let t = persona.temperature { out += " · temperature \(t)" }
            if let backend = persona.backend { out += " · backend \(backend)" }
            out += " · from \(persona.source ?? "built in")\n"
            let sent = [ChatMessage(role: .system, content: persona.systemPrompt)] + persona.examples
            for message in sent {
                out += "\n[\(message.role.rawValue)]\n\(message.content)\n"
            }
            Console.out(out)
        }
    }
}
