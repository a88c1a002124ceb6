import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@testable import ParleyHTTP

/// A request that may wait long never goes out on a new connection: on Linux URLSession wakes in a
/// loop (a core) for as long as the first request on a connection lasts. So before each reply
/// request the server answers a `/models` request and the reply reuses that connection; a server
/// that does not answer is probed now and then, and a model listing is itself probed.
///
/// What these tests check is that mechanism as the server sees it (which requests, on which
/// connection); the CPU it saves is measured by `Benchmarks/http-cpu-bench.sh`.
@Suite("Connection warm-up", .timeLimit(.minutes(1)))
struct ConnectionWarmUpTests {
    /// Probes that give up quickly, so a test of a silent server takes two seconds (each window is
    /// still ample for a request to reach a server on this machine).
    static let quickProbes = ProbeSchedule(firstWindow: 0.2, longestWindow: 0.2, busyShare: 0.5)
    /// Long, though a silent server makes these tests wait it out: in the whole suite, tests that
    /// block the cooperative threads have held up the probes' tasks for over a minute while the
    /// idle timer ran on (seen at a load of 10), and the assertions count probes.
    static let silentIdleTimeout: Double = 30

    func warmedBackend(
        _ server: FaultServer, baseURL: URL? = nil, idleTimeout: Double = 30, streaming: Bool = true,
        probes: ProbeSchedule? = nil
    ) -> OpenAIBackend {
        var endpoint = OpenAIEndpoint(
            name: "test", baseURL: baseURL ?? server.baseURL, model: "test-model", apiKey: .environment("TEST_API_KEY"),
            idleTimeout: idleTimeout, deadline: 300, maxRetries: 3, retryBaseDelay: 0.01)
        endpoint.streaming = streaming
        if let probes { endpoint.probeSchedule = probes }
        return OpenAIBackend(endpoint: endpoint, keyResolver: APIKeyResolver(environment: ["TEST_API_KEY": testKey]))
    }

    /// The server saw a `/models` request and then the reply's POST, both on one connection.
    func expectProbeThenReplyOnOneConnection(_ server: FaultServer, sourceLocation: SourceLocation = #_sourceLocation) {
        let requests = server.requests
        #expect(requests.map(\.method) == ["GET", "POST"], sourceLocation: sourceLocation)
        #expect(requests.first?.path == "/v1/models", sourceLocation: sourceLocation)
        #expect(
            requests.count == 2 && requests[0].connection == requests[1].connection, "\(requests.map(\.connection))",
            sourceLocation: sourceLocation)
    }

    @Test func theReplyGoesOutOnTheConnectionThatAnsweredModels() async throws {
        let server = try FaultServer()
        server.keepsConnectionsOpen = true
        server.route("GET", "/v1/models", .models(["test-model"]))
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["Hel", "lo"]))
        let outcome = await collect(warmedBackend(server))
        #expect(outcome.error == nil)
        #expect(outcome.text == "Hello")
        expectProbeThenReplyOnOneConnection(server)
    }

    /// A whole (non-streamed) reply also waits for the model: it gets an answered connection too.
    @Test func aWholeReplyGoesOutOnAnAnsweredConnectionToo() async throws {
        let server = try FaultServer()
        server.keepsConnectionsOpen = true
        server.route("GET", "/v1/models", .models(["test-model"]))
        server.route("POST", "/v1/chat/completions", .completion("all at once"))
        let outcome = await collect(warmedBackend(server, streaming: false))
        #expect(outcome.error == nil)
        #expect(outcome.text == "all at once")
        expectProbeThenReplyOnOneConnection(server)
    }

    /// An answer with `Connection: close` (llama.cpp's server says it after some requests on one
    /// connection) leaves nothing to reuse: the server is asked again, on the new connection.
    @Test func anAnswerThatClosesItsConnectionIsFollowedByAnotherOnTheNewOne() async throws {
        var closing = FaultResponse.models(["test-model"])
        closing.framing = .untilClose
        let server = try FaultServer()
        server.keepsConnectionsOpen = true
        server.route("GET", "/v1/models", closing, .models(["test-model"]))
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["fine"]))
        let outcome = await collect(warmedBackend(server))
        #expect(outcome.error == nil)
        #expect(outcome.text == "fine")
        let requests = server.requests
        #expect(requests.map(\.method) == ["GET", "GET", "POST"])
        guard requests.count == 3 else { return }
        #expect(requests[0].connection != requests[1].connection)
        #expect(requests[1].connection == requests[2].connection)
    }

    @Test func aFailingModelsListStillCountsAsAnAnswer() async throws {
        let server = try FaultServer()  // no /models route: a 404, which is an answer all the same
        server.keepsConnectionsOpen = true
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["fine"]))
        let outcome = await collect(warmedBackend(server))
        #expect(outcome.error == nil)
        #expect(outcome.text == "fine")
        expectProbeThenReplyOnOneConnection(server)
    }

    /// A server that accepts and reads but never answers: the question is never sent (it would
    /// have waited on a new connection, a core for the whole idle timeout); short probes, each on a
    /// connection of its own and each abandoned, then the idle timeout, said once.
    @Test func aServerThatNeverAnswersIsProbedAndNeverSentTheQuestion() async throws {
        let server = try FaultServer()
        server.route("GET", "/v1/models", .silent)
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["never asked"]))
        let outcome = await collect(warmedBackend(server, idleTimeout: Self.silentIdleTimeout, probes: Self.quickProbes))
        guard case .idleTimeout(let url, _) = outcome.httpError else {
            Issue.record("expected an idle timeout, got \(String(describing: outcome.error))")
            return
        }
        #expect(url.hasSuffix("/v1/models"), "the error names what did not answer: \(url)")
        #expect(server.requests(to: "/v1/chat/completions").isEmpty)
        let probes = server.requests(to: "/v1/models")
        #expect(probes.count >= 2)
        #expect(Set(probes.map(\.connection)).count == probes.count, "each probe on a new connection")
        #expect(outcome.notices.contains { $0.contains("has not answered yet") }, "\(outcome.notices)")
    }

    /// A listing is itself the first request on its connection: a silent server gets probes that
    /// are each given up, not one request left waiting until the idle timeout.
    @Test func listingModelsFromASilentServerProbesInsteadOfWaiting() async throws {
        let server = try FaultServer()
        server.route("GET", "/v1/models", .silent)
        let backend = warmedBackend(server, idleTimeout: Self.silentIdleTimeout, probes: Self.quickProbes)
        do {
            let names = try await backend.listModels()
            Issue.record("a silent server listed \(names)")
        } catch let error as HTTPBackendError {
            guard case .idleTimeout = error else {
                Issue.record("expected an idle timeout, got \(error)")
                return
            }
        }
        let probes = server.requests(to: "/v1/models")
        #expect(probes.count >= 2)
        #expect(Set(probes.map(\.connection)).count == probes.count)
        #expect(await server.waitForDisconnects(probes.count), "every probe was given up, not left waiting")
    }

    /// A server that answers late, after the first probes gave up, gets the question then.
    @Test func aServerThatAnswersLateGetsTheQuestionOnceItDoes() async throws {
        let server = try FaultServer()
        server.keepsConnectionsOpen = true
        server.route("GET", "/v1/models", .silent, .silent, .models(["test-model"]))
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["late but here"]))
        let outcome = await collect(warmedBackend(server, idleTimeout: 120, probes: Self.quickProbes))
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.text == "late but here")
        let requests = server.requests
        #expect(requests.map(\.method) == ["GET", "GET", "GET", "POST"])
        guard requests.count == 4 else { return }
        #expect(requests[2].connection == requests[3].connection)
    }

    /// The connection a probe answered on is closed by the server once it has read the POST (its
    /// idle timeout met the request): the request is retried whole on a connection answered anew.
    @Test func aReplyWhoseAnsweredConnectionBreaksIsRetriedOnOneAnsweredAnew() async throws {
        let server = try FaultServer()
        server.keepsConnectionsOpen = true
        server.route("GET", "/v1/models", .models(["test-model"]))
        server.route("POST", "/v1/chat/completions", .hangUp, .openAIStream(pieces: ["second ", "time"]))
        let outcome = await collect(warmedBackend(server))
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.text == "second time")
        let answered = server.requests.filter { $0.method == "POST" }.last
        let probes = server.requests(to: "/v1/models")
        #expect(probes.count == 2)
        #expect(answered?.connection == probes.last?.connection)
        #expect(answered?.jsonBody?["model"] as? String == "test-model", "the retried POST carries its body")
    }

    /// A server that drops the request on every answered connection is asked on a new one after
    /// the second such drop: slower on the CPU, but answered.
    @Test func aServerThatDropsRequestsOnAnsweredConnectionsIsAskedOnANewOne() async throws {
        let server = try FaultServer()
        server.keepsConnectionsOpen = true
        server.route("GET", "/v1/models", .models(["test-model"]))
        server.route("POST", "/v1/chat/completions", .hangUp, .hangUp, .openAIStream(pieces: ["at last"]))
        let outcome = await collect(warmedBackend(server))
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.text == "at last")
        #expect(server.requests(to: "/v1/models").count == 2)
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

    /// Every server is warmed (a remote one streamed at a core before); how long a probe may wait
    /// depends on how far the server is.
    @Test func everyServerIsWarmedWithProbesForItsDistance() {
        let local = OpenAIEndpoint(name: "l", baseURL: URL(string: "http://127.0.0.1:8080/v1")!)
        let remote = OpenAIEndpoint(name: "o", baseURL: URL(string: "https://api.openai.com/v1")!)
        let lan = OpenAIEndpoint(name: "n", baseURL: URL(string: "http://192.0.2.2:8080/v1")!)
        #expect(local.warmsConnection && remote.warmsConnection && lan.warmsConnection)
        #expect(local.probeSchedule == .local)
        #expect(remote.probeSchedule == .remote)
        #expect(lan.probeSchedule == .remote, "192.0.2.0/24 is not a private range")
    }
}
