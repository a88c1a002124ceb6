import ParleyHTTP
import ParleyModels
import ParleyStore
import Testing

@testable import ParleyApp

/// The libraries say what happened; the command line adds the command or flag that helps.
@Suite("Command advice")
struct CommandAdviceTests {
    @Test(arguments: [
        (StoreError.notFound(id: "abc") as Error, "run 'parley history list' to see the ids"),
        (DocumentStoreError.unknown(kind: "draft", id: "abc"), "run 'parley write drafts' to see the ids"),
        (DocumentStoreError.unknown(kind: "decision", id: "abc"), "run 'parley decide list' to see the ids"),
        (OutputFile.Failure.exists(path: "a.md"), "use --force to replace it"),
        (ModelPullError.interrupted(file: "m.gguf", kept: 10, total: 20), "run the same command to resume"),
        (ModelPullError.gaveUp(url: "u", attempts: 3, last: "timeout"), "run the same command to resume"),
        (ModelPullError.hashMismatch(file: "m.gguf", expected: "a", actual: "b"), "run the same command to download it again"),
        (HTTPBackendError.noModels(url: "http://h/v1/models"), "set it in the config or with --model"),
    ])
    func theCommandLineAddsTheWayOut(error: Error, advice: String) {
        #expect(CommandAdvice.advice(for: error) == advice)
        let line = CommandAdvice.line(for: error)
        #expect(line.hasSuffix("; " + advice))
        // The library's own words name no command and no flag.
        let fact = String(line.dropLast(advice.count + 2))
        #expect(!fact.contains("parley ") && !fact.contains("--"), "\(fact)")
    }

    @Test func anErrorWithNothingToAddIsItsOwnLine() {
        let error = OutputFile.Failure.isDirectory(path: "/tmp")
        #expect(CommandAdvice.advice(for: error) == nil)
        #expect(CommandAdvice.line(for: error) == "/tmp is a directory; give a file name")
    }
}
