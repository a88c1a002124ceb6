import Foundation
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// The chat's first run without its model, in tmux against the Hub-compatible test server: the
/// full screen offers the catalog model, pulls it with a progress bar, is cancelled and resumed
/// without fetching a byte twice, and the chat then opens on the pulled model.
@Suite("Model offer in tmux", .heavy, .serialized)
struct ModelOfferEndToEndTests {
    /// A real model to serve (the chat must be able to load what it pulled): the default one,
    /// served under the catalog's smollm2-360m repository and file name.
    static var modelPath: String { PackageFiles.defaultModelPath }

    @Test func pullsWithAProgressBarCancelsResumesAndStartsTheChat() throws {
        try #require(FileManager.default.fileExists(atPath: Self.modelPath), "needs the default model (scripts/setup.sh)")
        let body = try Data(contentsOf: URL(fileURLWithPath: Self.modelPath))
        let path = "HuggingFaceTB/SmolLM2-360M-Instruct-GGUF/smollm2-360m-instruct-q8_0.gguf"
        // Paced, so the bar is seen moving and Ctrl-C lands mid-file.
        let server = try HubTestServer(files: [path: body], options: ["--throttle", "\(8 << 20)"])
        defer { server.stop() }
        let screen = try TmuxScreen(["--model", "smollm2-360m"], environment: ["HF_ENDPOINT": server.hub.absoluteString])
        defer { screen.close() }
        #expect(screen.waitFor { $0.contains("Pull it now?") && $0.contains("smollm2-360m") }.ok, "\(screen.screen())")
        #expect(screen.alternateScreenIsOn())
        try screen.press("Enter")
        let moving = screen.waitFor { $0.contains("#") && $0.contains("%") && $0.contains("/s") }
        #expect(moving.ok, "\(moving.screen)")
        try screen.press("C-c")
        let stopped = screen.waitFor { $0.contains("stopped pulling") && $0.contains("try again") }
        #expect(stopped.ok, "\(stopped.screen)")
        try screen.press("Enter")
        // The chat opens on the pulled model: its status line names it.
        let chat = screen.waitFor(timeout: 90) { $0.contains("Message (Enter sends") && $0.contains("smollm2-360m") }
        #expect(chat.ok, "\(chat.screen)")
        let models = screen.storage.appendingPathComponent("models")
        #expect(FileManager.default.fileExists(atPath: models.appendingPathComponent("smollm2-360m-instruct-q8_0.gguf").path))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: models.path)) ?? []).allSatisfy { !$0.contains(".partial") })
        // Two requests for the file: the second asked for the rest from where the first stopped
        // (bytes the server had sent into the cancelled connection never arrived), and got it.
        let requests = try server.fileRequests()
        #expect(requests.count == 2, "\(requests.map { "\($0.status) \($0.range ?? "-") \($0.sent)" })")
        if requests.count == 2 {
            let kept = body.count - requests[1].sent
            #expect(kept > 0 && kept <= requests[0].sent)
            #expect(requests[1].range == "bytes=\(kept)-")
            #expect(requests[1].status == 206)
        }
        try screen.press("C-d")
        #expect(screen.exitStatus(timeout: 30) == 0)
    }
}
