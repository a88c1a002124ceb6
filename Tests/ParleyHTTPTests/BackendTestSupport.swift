import Foundation
import ParleyCore
import ParleyHTTP
import ParleyTestSupport

/// The key the tests' fake environment holds; it must never show up in an error.
let testKey = "sk-test-secret-4242"

func makeBackend(
    _ server: FaultServer, model: String? = "test-model", apiKey: APIKeySource = .environment("TEST_API_KEY"),
    environment: [String: String] = ["TEST_API_KEY": testKey], idleTimeout: Double = 10, deadline: Double = 300,
    maxRetries: Int = 3, baseURL: URL? = nil, warmsConnection: Bool = false
) -> OpenAIBackend {
    var endpoint = OpenAIEndpoint(
        name: "test", baseURL: baseURL ?? server.baseURL, model: model, apiKey: apiKey, idleTimeout: idleTimeout,
        deadline: deadline, maxRetries: maxRetries, retryBaseDelay: 0.01)
    // The deadline is far: in a whole parallel suite on a loaded machine, replies of a few pieces
    // have waited over a minute for a thread (tests of the deadline give their own).
    // The fault tests count and order requests; the warm-up has tests of its own.
    endpoint.warmsConnection = warmsConnection
    return OpenAIBackend(endpoint: endpoint, keyResolver: APIKeyResolver(environment: environment))
}

/// Everything one reply produced: its events, and the error that ended it, if any.
struct Outcome {
    var events: [ReplyEvent]
    var error: Error?

    var text: String {
        events.reduce(into: "") { if case .text(let t) = $1 { $0 += t } }
    }
    var notices: [String] {
        events.compactMap { if case .notice(let n) = $0 { n } else { nil } }
    }
    var finish: FinishReason? {
        events.compactMap { if case .finish(let f) = $0 { f } else { nil } }.last
    }
    var httpError: HTTPBackendError? { error as? HTTPBackendError }
}

func collect(_ backend: OpenAIBackend, _ request: ChatRequest = ChatRequest(messages: [ChatMessage(role: .user, content: "Hi")]))
    async -> Outcome
{
    var events: [ReplyEvent] = []
    do {
        for try await event in backend.reply(to: request) { events.append(event) }
        return Outcome(events: events, error: nil)
    } catch {
        return Outcome(events: events, error: error)
    }
}
