import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@testable import ParleyHTTP

/// What a server sends is outside input: redirects that lead nowhere, bodies without end, and
/// connections that break under a request all end in one clear line, with bounded memory.
@Suite(.timeLimit(.minutes(1)))
struct ServerBoundsTests {
    @Test func aRedirectLoopSaysSoInWords() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .redirect(to: server.url("/v1/chat/completions").absoluteString))
        let outcome = await collect(makeBackend(server, maxRetries: 0))
        let line = oneLineDescription(of: try #require(outcome.error))
        #expect(line.contains("redirect"), "\(line)")
        #expect(!line.contains("NSURLErrorDomain") && !line.contains("-1007"), "\(line)")
    }

    @Test func aRedirectToAFileURLIsRefusedNotRetried() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .redirect(to: "file:///etc/passwd"))
        let outcome = await collect(makeBackend(server))
        let line = oneLineDescription(of: try #require(outcome.error))
        #expect(line.contains("file:///etc/passwd") && line.contains("not followed"), "\(line)")
        #expect(server.requests.count == 1)
    }

    /// The connection a `/models` request left open is closed by the server once it has read the
    /// POST: the client connects again and must send the body again (it went out empty, with its
    /// old Content-Length, and hung).
    @Test func aPostRetriedOnANewConnectionCarriesItsBody() async throws {
        let server = try FaultServer()
        server.keepsConnectionsOpen = true
        server.route("GET", "/v1/models", .models(["test-model"]))
        server.route("POST", "/v1/chat/completions", .hangUp, .openAIStream(pieces: ["body ", "arrived"]))
        let backend = makeBackend(server, idleTimeout: 30, maxRetries: 1, warmsConnection: true)
        let outcome = await collect(backend)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.text == "body arrived")
        let posts = server.requests(to: "/v1/chat/completions")
        #expect(posts.count >= 2)
        for post in posts {
            #expect(post.header("Transfer-Encoding") == nil, "the body must go out with its length, not chunked")
            #expect(post.jsonBody?["model"] as? String == "test-model", "a POST went out without its body: \(post.headers) \(String(decoding: post.body.prefix(300), as: UTF8.self))")
        }
    }
}
