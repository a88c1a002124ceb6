import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@testable import ParleyHTTP

/// Before a streamed reply from a server on this machine or network, a `/models` request opens the
/// connection the reply then reuses; it never changes the reply, and a `/models` that hangs holds
/// the reply back only briefly.
@Suite("Connection warm-up")
struct ConnectionWarmUpTests {
    @Test func aLocalServerIsAskedForItsModelsFirstAndTheReplyIsUnchanged() async throws {
        let server = try FaultServer()
        server.route("GET", "/v1/models", .models(["test-model"]))
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["Hel", "lo"]))
        let outcome = await collect(makeBackend(server, warmsConnection: true))
        #expect(outcome.error == nil)
        #expect(outcome.text == "Hello")
        #expect(server.requests.map(\.method) == ["GET", "POST"])
        #expect(server.requests.first?.path == "/v1/models")
    }

    @Test func aFailingModelsListChangesNothing() async throws {
        let server = try FaultServer()  // no /models route: a 404
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["fine"]))
        let outcome = await collect(makeBackend(server, warmsConnection: true))
        #expect(outcome.error == nil)
        #expect(outcome.text == "fine")
        #expect(server.requests(to: "/v1/chat/completions").count == 1)
    }

    @Test func aModelsListThatNeverAnswersHoldsTheReplyBackOnlyBriefly() async throws {
        let server = try FaultServer()
        server.route("GET", "/v1/models", .silent)
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["late but here"]))
        // The idle timeout (60 s) would outlast the deadline (20 s): the reply only arrives because
        // the warm-up gives up after OpenAIBackend.warmUpLimit.
        let outcome = await collect(makeBackend(server, idleTimeout: 60, deadline: 20, warmsConnection: true))
        #expect(outcome.error == nil)
        #expect(outcome.text == "late but here")
    }

    @Test func withoutWarmUpOnlyTheReplyIsRequested() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["x"]))
        _ = await collect(makeBackend(server, warmsConnection: false))
        #expect(server.requests.map(\.method) == ["POST"])
    }

    @Test(arguments: [
        ("127.0.0.1", true), ("127.8.9.10", true), ("localhost", true), ("LocalHost", true), ("gpu-box.local", true),
        ("10.0.0.7", true), ("172.16.0.1", true), ("172.31.255.255", true), ("192.168.1.20", true), ("169.254.3.4", true),
        ("::1", true), ("[::1]", true), ("fd12:3456::1", true), ("fe80::1", true),
        ("172.32.0.1", false), ("172.15.0.1", false), ("8.8.8.8", false), ("api.openai.com", false), ("2001:db8::1", false),
        ("192.168.1", false), ("300.1.1.1", false), ("", false), ("localhost.example.com", false),
    ])
    func localHostsAreThisMachineOrThePrivateNetwork(host: String, local: Bool) {
        #expect(LocalNetworkHost.contains(host) == local)
    }

    @Test func theEndpointWarmsOnlyForLocalServers() {
        #expect(OpenAIEndpoint(name: "l", baseURL: URL(string: "http://127.0.0.1:8080/v1")!).warmsConnection)
        #expect(!OpenAIEndpoint(name: "o", baseURL: URL(string: "https://api.openai.com/v1")!).warmsConnection)
    }
}
