import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@testable import ParleyHTTP

/// Bodies without end: each is read up to its cap and no further.
@Suite(.timeLimit(.minutes(1)))
struct BodyCapTests {
    /// `count` pieces of 16 KiB of "a" a millisecond apart (16 MB/s, as a fast server might send
    /// for ever), after `prefix`. The pieces share one buffer.
    static func huge(_ prefix: String, count: Int, status: Int = 200, contentType: String = "application/json") -> FaultResponse {
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 16 << 10)
        var steps: [FaultResponse.Step] = [.send(Array(prefix.utf8))]
        for _ in 0..<count { steps += [.send(piece), .pause(0.001)] }
        return FaultResponse(status: status, headers: [("Content-Type", contentType)], steps: steps, framing: .chunked)
    }

    @Test func anEndlessModelsListIsCutOffAtItsCap() async throws {
        let server = try FaultServer()
        // 1.6 GB of one model name over minutes: without end, as far as the client can tell.
        server.route("GET", "/v1/models", Self.huge("{\"data\":[{\"id\":\"", count: 100_000))
        do {
            _ = try await makeBackend(server).listModels()
            Issue.record("an endless /models answer was accepted")
        } catch {
            let line = oneLineDescription(of: error)
            #expect(line.contains("8 MiB"), "\(line)")
        }
        #expect(await server.waitForDisconnects(1, timeout: 60), "the client read the whole body")
    }

    @Test func aHugeErrorBodyIsNotReadToTheEnd() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", Self.huge("{\"error\":{\"message\":\"", count: 100_000, status: 500))
        let outcome = await collect(makeBackend(server, maxRetries: 0))
        guard case .serverError(let status, _, _) = outcome.httpError else {
            Issue.record("expected a server error, got \(String(describing: outcome.error))")
            return
        }
        #expect(status == 500)
        #expect(await server.waitForDisconnects(1, timeout: 60), "the client read the whole error body")
    }

    @Test func aWholeReplyPastTheCapIsRefused() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            Self.huge("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"", count: 100_000))
        var endpoint = makeBackend(server, maxRetries: 0).endpoint
        endpoint.streaming = false
        let outcome = await collect(OpenAIBackend(endpoint: endpoint, keyResolver: APIKeyResolver(environment: [:])))
        let line = oneLineDescription(of: try #require(outcome.error))
        #expect(line.contains("larger than"), "\(line)")
        #expect(await server.waitForDisconnects(1, timeout: 60), "the client read the whole body")
    }

    @Test func anEventOfEndlessDataLinesIsDropped() {
        var decoder = SSEDecoder(maxLineBytes: 1024)
        var outputs: [SSEDecoder.Output] = []
        for _ in 0..<1000 { outputs += decoder.feed(Array("data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n".utf8)) }
        outputs += decoder.feed(Array("\ndata: next\n\n".utf8))
        #expect(outputs.contains { if case .invalidLine(let text) = $0 { text.contains("longer than") } else { false } }, "\(outputs.prefix(3))")
        #expect(outputs.last == .event(SSEEvent(data: "next")))
        #expect(!outputs.contains { if case .event(let event) = $0 { event.data.count > 1024 } else { false } })
    }
}
