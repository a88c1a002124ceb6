import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@testable import ParleyHTTP

/// Random mixtures of valid chunks, garbage, comments and cut-offs, served in random pieces with
/// random framing and endings: every reply must end (a finish event or an `HTTPBackendError`).
@Suite(.timeLimit(.minutes(1)))
struct OpenAIBackendFuzzTests {
    static let fragments: [String] = [
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word \"},\"finish_reason\":null}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hm \"}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}\n\n",
        "data: [DONE]\n\n", ": ping\n\n", "event: message\r\n", "id: 3\r\n", "retry: 10\r", "\n",
        "data: {\"error\":{\"message\":\"boom\"}}\n\n", "data: not json\n\n", "<html>\n", "data: {\"choices\":[{\"delta\":{\"content\":\"\\ud800\"}}]}\n\n",
        "data: {\"choices\":[{\"delta\":{\"content\":\"é😀\"}}]}\n\n", "\u{1B}[31m\n", "data: {\"choices\":", "\u{0}\u{FF}",
    ]

    @Test(arguments: 1...24)
    func everyReplyEnds(seed: Int) async throws {
        var random = SeededGenerator(seed: UInt64(seed))
        var text = ""
        for _ in 0..<Int.random(in: 0...12, using: &random) {
            text += Self.fragments.randomElement(using: &random)!
        }
        let framing = [FaultResponse.Framing.chunked, .contentLength, .untilClose].randomElement(using: &random)!
        let ending = [FaultResponse.Ending.complete, .complete, .drop].randomElement(using: &random)!
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .rawStream(text, pieceSize: Int.random(in: 1...40, using: &random), framing: framing, ending: ending))
        let outcome = await collect(makeBackend(server, maxRetries: 1))
        if let error = outcome.error {
            #expect(error is HTTPBackendError, "seed \(seed): \(error)")
            #expect(!oneLineDescription(of: error).contains("\n"))
            #expect(!oneLineDescription(of: error).contains("\u{1B}"))
        } else {
            #expect(outcome.finish != nil, "seed \(seed): no finish event")
        }
    }
}
