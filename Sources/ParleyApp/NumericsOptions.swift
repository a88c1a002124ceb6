import ArgumentParser
import GGUFRuntime

/// `--numerics avx512|avx2|host`: which llama.cpp build's float order the local runtime follows
/// (see NumericsOrder). Only measurements against llama.cpp need it.
struct NumericsOptions: ParsableArguments {
    @Option(name: .customLong("numerics"), help: ArgumentHelp(
        "Follow the float order of llama.cpp built for avx512 (the default), avx2, or host (this CPU's build).",
        valueName: "avx512|avx2|host"))
    var value: String?

    func validate() throws {
        if let value, NumericsOrder(argument: value) == nil {
            throw ValidationError("--numerics must be avx512, avx2 or host, not '\(value)'")
        }
    }

    var order: NumericsOrder { value.flatMap(NumericsOrder.init(argument:)) ?? .default }
}
