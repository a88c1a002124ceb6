import Foundation

/// Where the API key comes from. The key itself is never stored in a config value, so it cannot
/// leak through one; errors name the source instead.
public enum APIKeySource: Sendable, Equatable {
    /// An environment variable, e.g. `OPENAI_API_KEY`. Unset or empty means "send no key".
    case environment(String)
    /// A shell command (run with `/bin/sh -c`) whose first line of output is the key.
    case command(String)
    /// Send no key (local servers).
    case none

    /// How errors refer to the key when it was sent: "the key in OPENAI_API_KEY".
    public var sentKeyDescription: String {
        switch self {
        case .environment(let variable): return "the key in \(variable)"
        case .command: return "the key printed by api_key_cmd"
        case .none: return "the key"
        }
    }

    /// What to tell the user when no key was sent and the server wanted one.
    public var missingKeyAdvice: String {
        switch self {
        case .environment(let variable): return "the environment variable \(variable) is not set; export it with your key"
        case .command: return "api_key_cmd printed no key"
        case .none: return "set api_key_env or api_key_cmd for this backend in the config"
        }
    }
}

/// One OpenAI-compatible server as the config (or the command line) describes it.
public struct OpenAIEndpoint: Sendable, Equatable {
    /// The configured name (`openai`, `local`, ...), shown in the status line.
    public var name: String
    /// The API root, e.g. `http://127.0.0.1:8080/v1`; `chat/completions` and `models` go under it.
    public var baseURL: URL
    /// The model to ask for; nil means the first one the server's `/models` lists.
    public var model: String?
    public var apiKey: APIKeySource
    /// The model's context window in tokens, for fitting the history.
    public var contextSize: Int
    /// Seconds without a single byte from the server before the request is abandoned.
    public var idleTimeout: Double
    /// Seconds a whole reply may take, retries included.
    public var deadline: Double
    /// Retries of a failed request before any of the reply arrived.
    public var maxRetries: Int
    /// The first backoff delay between retries, in seconds (doubles each time).
    public var retryBaseDelay: Double
    /// Extra headers sent with every request (e.g. `OpenAI-Organization`, a proxy's header).
    public var extraHeaders: [String: String]
    /// Ask for a streamed reply (the default). False asks for the whole reply at once, for servers
    /// or proxies that mishandle streams.
    public var streaming: Bool = true
    /// Before each reply request, have the server answer a `/models` request, so that the reply
    /// goes out on a connection that has answered once and waits without costing a core (see
    /// `OpenAIBackend.openAnsweredConnection`). On by default, for every server: tests that count
    /// requests turn it off.
    public var warmsConnection = true
    /// How a server that has not answered yet is waited for (see `ProbeSchedule`): short windows on
    /// this machine or the local network, longer ones further away. Tests set their own.
    var probeSchedule: ProbeSchedule {
        get { chosenProbeSchedule ?? ProbeSchedule.forHost(baseURL.host ?? "") }
        set { chosenProbeSchedule = newValue }
    }
    private var chosenProbeSchedule: ProbeSchedule?

    public init(
        name: String, baseURL: URL, model: String? = nil, apiKey: APIKeySource = .environment("OPENAI_API_KEY"),
        contextSize: Int = 8192, idleTimeout: Double = 60, deadline: Double = 600, maxRetries: Int = 3,
        retryBaseDelay: Double = 1, extraHeaders: [String: String] = [:]
    ) {
        self.name = name
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.contextSize = contextSize
        self.idleTimeout = idleTimeout
        self.deadline = deadline
        self.maxRetries = maxRetries
        self.retryBaseDelay = retryBaseDelay
        self.extraHeaders = extraHeaders
    }

    /// Checks a base URL typed by a user: it must be http(s) with a host.
    public static func baseURL(from text: String) throws -> URL {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw HTTPBackendError.invalidBaseURL(text)
        }
        return url
    }

    public var chatCompletionsURL: URL { baseURL.appendingPathComponent("chat/completions") }
    public var modelsURL: URL { baseURL.appendingPathComponent("models") }

    /// A URL as errors show it: without user name, password, query or fragment.
    public static func display(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "the server" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return ServerText.clean(components.string ?? "the server", limit: 200)
    }
}
