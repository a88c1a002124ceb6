import Foundation
import ParleyTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The test tool itself: other suites (and the CLI's end-to-end tests) rely on it behaving as scripted.
@Suite(.timeLimit(.minutes(1)))
struct FaultServerTests {
    private func fetch(_ request: URLRequest) async throws -> (Int, String, [String: String]) {
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return (http.statusCode, String(decoding: data, as: UTF8.self), headers)
    }

    @Test func recordsWhatTheClientSent() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/echo", .json(#"{"ok":true}"#))
        var request = URLRequest(url: server.url("/v1/echo?x=1"))
        request.httpMethod = "POST"
        request.setValue("Bearer abc", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(#"{"model":"m","n":2}"#.utf8)
        let (status, body, _) = try await fetch(request)
        #expect(status == 200)
        #expect(body == #"{"ok":true}"#)
        let recorded = try #require(server.requests(to: "/v1/echo").first)
        #expect(recorded.method == "POST")
        #expect(recorded.path == "/v1/echo?x=1")
        #expect(recorded.header("authorization") == "Bearer abc")
        #expect(recorded.jsonBody?["model"] as? String == "m")
        #expect(recorded.jsonBody?["n"] as? Int == 2)
    }

    @Test func aLargeBodyArrivesWhole() async throws {
        let server = try FaultServer()
        server.route("POST", "/big", .json("{}"))
        var request = URLRequest(url: server.url("/big"))
        request.httpMethod = "POST"
        let big = Data(String(repeating: "x", count: 300_000).utf8)
        request.httpBody = big
        _ = try await fetch(request)
        #expect(server.requests.first?.body == big)
    }

    @Test func unroutedRequestsGetA404() async throws {
        let server = try FaultServer()
        let (status, body, _) = try await fetch(URLRequest(url: server.url("/nowhere")))
        #expect(status == 404)
        #expect(body.contains("no route for GET /nowhere"))
    }

    @Test func responsesAreUsedInOrderAndTheLastOneStays() async throws {
        let server = try FaultServer()
        server.route("GET", "/seq", .json("1"), .json("2"))
        var bodies: [String] = []
        for _ in 0..<3 { bodies.append(try await fetch(URLRequest(url: server.url("/seq"))).1) }
        #expect(bodies == ["1", "2", "2"])
    }

    @Test(arguments: [FaultResponse.Framing.contentLength, .chunked, .untilClose])
    func everyFramingDeliversTheSameBody(_ framing: FaultResponse.Framing) async throws {
        let server = try FaultServer()
        let pieces = ["alpha ", "beta ", "gamma"].map { FaultResponse.Step.send(Array($0.utf8)) }
        server.route("GET", "/body", FaultResponse(status: 200, headers: [("X-Test", "yes")], steps: pieces, framing: framing))
        let (status, body, headers) = try await fetch(URLRequest(url: server.url("/body")))
        #expect(status == 200)
        #expect(body == "alpha beta gamma")
        #expect(headers["x-test"] == "yes")
    }

    @Test func theOpenAIStreamBuilderWritesWellFormedEvents() {
        let events = FaultResponse.openAIStreamEvents(pieces: ["a", "b"], reasoning: ["r"])
        #expect(events.count == 7)  // role, reasoning, a, b, finish, usage, [DONE]
        #expect(events.last == "[DONE]")
        for event in events.dropLast() {
            #expect((try? JSONSerialization.jsonObject(with: Data(event.utf8))) != nil)
        }
    }

    @Test func noticesAClientThatLeavesDuringAPause() async throws {
        let server = try FaultServer()
        server.route("GET", "/slow", FaultResponse(steps: [.send(Array("x".utf8)), .pause(30)], framing: .chunked))
        let task = Task { try await fetch(URLRequest(url: server.url("/slow"))) }
        #expect(await server.waitForRequests(1))
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        #expect(await server.waitForDisconnects(1, timeout: 60))
    }

    @Test func stopClosesTheListeningSocket() async throws {
        let server = try FaultServer()
        server.stop()
        await #expect(throws: (any Error).self) {
            _ = try await URLSession.shared.data(for: URLRequest(url: server.url("/")))
        }
    }
}
