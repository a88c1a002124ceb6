import ArgumentParser
import GGUFRuntime

/// `--lora FILE[:SCALE]`, repeatable: LoRA adapters the local model runs with, in order.
struct LoRAOptions: ParsableArguments {
    @Option(name: .customLong("lora"), help: ArgumentHelp(
        "A LoRA adapter (GGUF) applied to the local model at SCALE (default 1; 0 = off); repeatable.",
        valueName: "file[:scale]"))
    var adapters: [String] = []

    func validate() throws {
        _ = try specs()
    }

    func specs() throws -> [LoRASpec] {
        do {
            return try adapters.map { try LoRASpec(parsing: $0) }
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
