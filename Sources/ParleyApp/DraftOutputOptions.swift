import ArgumentParser

/// Where a new version of a draft goes: `write new` and `write revise` take the same.
struct DraftOutputOptions: ParsableArguments {
    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write the draft to this file instead of stdout.", valueName: "file"))
    var output: String?
    @Flag(help: "Let -o replace an existing file.") var force = false
    @Flag(help: "Print the draft record as JSON.") var json = false
    @Flag(name: .customLong("no-save"), help: "Keep neither the draft nor the conversation.") var noSave = false

    func validate() throws {
        if force && output == nil { throw ValidationError("--force only applies with -o FILE") }
    }
}
