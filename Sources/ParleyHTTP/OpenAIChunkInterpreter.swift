import Foundation
import ParleyCore

/// Turns the data of OpenAI-style stream events into reply events.
///
/// A pure value fed one `SSEEvent` at a time. It knows the dialects of the common servers: the
/// `[DONE]` sentinel, `finish_reason` as null, "" or a word, a usage-only final chunk with
/// `choices: []`, llama.cpp's `timings` (used for token counts when `usage` is missing), reasoning in
/// `reasoning_content` (llama.cpp, DeepSeek) or `reasoning` (Ollama, OpenRouter), and error
/// objects inside a 200 stream. The finish reason is held back until the stream ends, because a
/// usage chunk may still follow it.
public struct OpenAIChunkInterpreter: Sendable {
    /// The URL shown in errors.
    public let url: String
    public private(set) var sawDone = false
    /// The last non-empty finish reason the server gave.
    public private(set) var finishReason: FinishReason?
    /// Some answer or reasoning text was produced.
    public private(set) var replyStarted = false
    public private(set) var sawUsage = false
    private var timingsUsage: TokenUsage?
    private var thinkSplitter = ThinkTagSplitter()

    public init(url: String) {
        self.url = url
    }

    /// The events one stream event stands for. Throws `HTTPBackendError` for an error object, or
    /// for data that is not JSON (an HTML page, a stray line, a lone surrogate escape).
    public mutating func interpret(_ event: SSEEvent) throws -> [ReplyEvent] {
        let data = Self.trimmedSpaces(event.data)
        if data == "[DONE]" {
            sawDone = true
            return []
        }
        if data.isEmpty { return [] }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] else {
                throw HTTPBackendError.malformedStream(url: url, detail: "an event that is not a JSON object: " + data)
            }
            object = parsed
        } catch let error as HTTPBackendError {
            throw error
        } catch {
            let what = ServerErrorBody.looksLikeHTML(data) ? "an HTML page" : "an event that is not JSON"
            throw HTTPBackendError.malformedStream(url: url, detail: what + ": " + data)
        }
        if let server = ServerErrorBody.from(object: object) {
            throw Self.streamFailure(server, url: url)
        }
        if event.event == "error" {
            throw HTTPBackendError.streamError(url: url, message: (object["message"] as? String) ?? data)
        }
        return interpret(chunk: object)
    }

    /// A whole non-streaming reply (`choices[0].message`), for servers that refuse to stream.
    public mutating func interpret(completion object: [String: Any]) throws -> [ReplyEvent] {
        if let server = ServerErrorBody.from(object: object) {
            throw Self.streamFailure(server, url: url)
        }
        guard object["choices"] is [Any] else {
            throw HTTPBackendError.malformedStream(url: url, detail: "a reply without choices")
        }
        let events = interpret(chunk: object) + thinkSplitter.finish()
        sawDone = true
        return events
    }

    /// How the reply ended, once the stream is over: the server's finish reason; `stop` after a
    /// bare `[DONE]`; `truncated` when neither came.
    public func endReason() -> FinishReason {
        if let finishReason { return finishReason }
        return sawDone ? .stop : .truncated
    }

    /// The events held back until the stream is over: text kept while it could still have been a
    /// `<think>` tag, and token counts from llama.cpp's `timings` when no `usage` came.
    public mutating func finishEvents() -> [ReplyEvent] {
        var events = thinkSplitter.finish()
        if !sawUsage, let timingsUsage { events.append(.usage(timingsUsage)) }
        return events
    }

    private mutating func interpret(chunk object: [String: Any]) -> [ReplyEvent] {
        var events: [ReplyEvent] = []
        for case let choice as [String: Any] in (object["choices"] as? [Any]) ?? [] {
            // Only the first choice is the reply (a server asked for one may still number it).
            if let index = choice["index"] as? Int, index != 0 { continue }
            let delta = (choice["delta"] as? [String: Any]) ?? (choice["message"] as? [String: Any])
            if let delta {
                for key in ["reasoning_content", "reasoning"] {
                    if let reasoning = delta[key] as? String, !reasoning.isEmpty {
                        events.append(.reasoning(reasoning))
                        replyStarted = true
                        break
                    }
                }
                if let content = delta["content"] as? String, !content.isEmpty {
                    events += thinkSplitter.feed(content)
                    replyStarted = true
                }
            } else if let text = choice["text"] as? String, !text.isEmpty {
                events += thinkSplitter.feed(text)
                replyStarted = true
            }
            if let reason = choice["finish_reason"] as? String, !reason.isEmpty {
                finishReason = Self.finishReason(reason)
                if reason == "content_filter" {
                    events.append(.notice("the server's content filter ended the reply"))
                }
            }
        }
        if let usage = object["usage"] as? [String: Any],
            let prompt = usage["prompt_tokens"] as? Int, let completion = usage["completion_tokens"] as? Int
        {
            events.append(.usage(TokenUsage(promptTokens: prompt, completionTokens: completion)))
            sawUsage = true
        }
        if let timings = object["timings"] as? [String: Any],
            let prompt = timings["prompt_n"] as? Int, let predicted = timings["predicted_n"] as? Int
        {
            timingsUsage = TokenUsage(promptTokens: prompt, completionTokens: predicted)
        }
        return events
    }

    /// The text without surrounding spaces and tabs (Foundation's trimming is slow on Linux,
    /// and this runs once per streamed chunk).
    static func trimmedSpaces(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last else { return text }
        if first != 0x20 && first != 0x09 && last != 0x20 && last != 0x09 { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    static func finishReason(_ text: String) -> FinishReason {
        switch text {
        case "length", "max_tokens": return .length
        case "error": return .error
        default: return .stop  // stop, eos, tool_calls, content_filter, ...
        }
    }

    static func streamFailure(_ server: ServerErrorBody, url: String) -> HTTPBackendError {
        if server.isContextTooLong {
            return .contextTooLong(
                url: url, promptTokens: server.promptTokens, contextSize: server.contextSize, message: server.message)
        }
        return .streamError(url: url, message: server.message)
    }
}
