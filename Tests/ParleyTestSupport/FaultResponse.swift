import Foundation

/// A scripted answer of `FaultServer`: status, headers and a body sent in timed pieces, with the
/// framing and the ending (clean, dropped, or held open) a fault needs.
public struct FaultResponse: Sendable {
    /// How the body's end is marked.
    public enum Framing: Sendable {
        /// `Content-Length` of all the pieces (a dropped ending then leaves it short).
        case contentLength
        /// `Transfer-Encoding: chunked`, one HTTP chunk per piece.
        case chunked
        /// No length: the body ends when the server closes the connection.
        case untilClose
    }

    /// One step of sending the body.
    public enum Step: Sendable {
        case send([UInt8])
        /// Wait this many seconds (watching for the client going away).
        case pause(Double)
    }

    /// What happens after the last step.
    public enum Ending: Sendable {
        /// Finish the body properly and close.
        case complete
        /// Close the connection without finishing the body (no final chunk, short of the length).
        case drop
        /// Keep the connection open without sending more, until the client leaves or the server stops.
        case hang
    }

    public var status: Int
    public var headers: [(name: String, value: String)]
    public var steps: [Step]
    public var framing: Framing
    public var ending: Ending
    /// Read the request and never answer at all.
    public var isSilent = false
    /// Read the request, then close the connection without a word.
    public var hangsUp = false

    public init(
        status: Int = 200, headers: [(name: String, value: String)] = [], steps: [Step] = [],
        framing: Framing = .contentLength, ending: Ending = .complete
    ) {
        self.status = status
        self.headers = headers
        self.steps = steps
        self.framing = framing
        self.ending = ending
    }

    /// Never answers: the client's idle timeout or cancellation has to end the request.
    public static let silent: FaultResponse = {
        var response = FaultResponse()
        response.isSilent = true
        return response
    }()

    /// Reads the request and closes the connection without answering: what a server that drops
    /// an idle kept-alive connection looks like to a client that just reused it.
    public static let hangUp: FaultResponse = {
        var response = FaultResponse()
        response.hangsUp = true
        return response
    }()

    /// A JSON body.
    public static func json(_ text: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> FaultResponse {
        FaultResponse(
            status: status, headers: [("Content-Type", "application/json")] + headers, steps: [.send(Array(text.utf8))])
    }

    /// Any body with a content type (an HTML error page, plain text).
    public static func body(
        _ text: String, status: Int, contentType: String, headers: [(name: String, value: String)] = []
    ) -> FaultResponse {
        FaultResponse(status: status, headers: [("Content-Type", contentType)] + headers, steps: [.send(Array(text.utf8))])
    }

    /// An OpenAI-style error object.
    public static func openAIError(
        status: Int, message: String, type: String? = nil, code: String? = nil,
        headers: [(name: String, value: String)] = []
    ) -> FaultResponse {
        var error: [String: Any] = ["message": message]
        if let type { error["type"] = type }
        if let code { error["code"] = code }
        return .json(jsonText(["error": error]), status: status, headers: headers)
    }

    /// A `/models` answer listing these model ids.
    public static func models(_ ids: [String]) -> FaultResponse {
        .json(jsonText(["object": "list", "data": ids.map { ["id": $0, "object": "model", "owned_by": "test"] }]))
    }

    /// A redirect to another URL.
    public static func redirect(to location: String, status: Int = 307) -> FaultResponse {
        FaultResponse(status: status, headers: [("Location", location)])
    }

    /// A non-streaming chat completion.
    public static func completion(_ text: String, model: String = "test-model", finishReason: String = "stop") -> FaultResponse {
        .json(jsonText([
            "id": "chatcmpl-test", "object": "chat.completion", "model": model,
            "choices": [["index": 0, "message": ["role": "assistant", "content": text], "finish_reason": finishReason]],
            "usage": ["prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7],
        ]))
    }

    /// Server-sent events, each string being one event's data, one HTTP chunk per event.
    public static func sse(
        _ events: [String], delay: Double = 0, framing: Framing = .chunked, ending: Ending = .complete
    ) -> FaultResponse {
        var steps: [Step] = []
        for event in events {
            if delay > 0 { steps.append(.pause(delay)) }
            steps.append(.send(Array("data: \(event)\n\n".utf8)))
        }
        return FaultResponse(
            status: 200, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")], steps: steps,
            framing: framing, ending: ending)
    }

    /// Raw event-stream bytes (a recorded stream), sent `pieceSize` bytes at a time.
    public static func rawStream(
        _ text: String, pieceSize: Int = 1, delay: Double = 0, framing: Framing = .chunked, ending: Ending = .complete
    ) -> FaultResponse {
        let bytes = Array(text.utf8)
        var steps: [Step] = []
        var start = 0
        while start < bytes.count {
            if delay > 0 { steps.append(.pause(delay)) }
            let end = min(bytes.count, start + max(1, pieceSize))
            steps.append(.send(Array(bytes[start..<end])))
            start = end
        }
        return FaultResponse(
            status: 200, headers: [("Content-Type", "text/event-stream")], steps: steps, framing: framing, ending: ending)
    }

    /// An OpenAI-style streamed reply: a role chunk, one chunk per piece (reasoning pieces first),
    /// a finish chunk, a usage-only chunk and `[DONE]`.
    /// - Parameters:
    ///   - delay: seconds before each chunk.
    ///   - finishReason: nil leaves the finish chunk out.
    ///   - done: false leaves `[DONE]` out.
    public static func openAIStream(
        pieces: [String], reasoning: [String] = [], model: String = "test-model", finishReason: String? = "stop",
        usage: (prompt: Int, completion: Int)? = (5, 2), done: Bool = true, delay: Double = 0,
        framing: Framing = .chunked, ending: Ending = .complete
    ) -> FaultResponse {
        sse(
            openAIStreamEvents(
                pieces: pieces, reasoning: reasoning, model: model, finishReason: finishReason, usage: usage, done: done),
            delay: delay, framing: framing, ending: ending)
    }

    /// The event data of `openAIStream`, for tests that splice in faults.
    public static func openAIStreamEvents(
        pieces: [String], reasoning: [String] = [], model: String = "test-model", finishReason: String? = "stop",
        usage: (prompt: Int, completion: Int)? = (5, 2), done: Bool = true
    ) -> [String] {
        func chunk(_ delta: [String: Any], finish: String? = nil) -> String {
            jsonText([
                "id": "chatcmpl-test", "object": "chat.completion.chunk", "model": model,
                "choices": [["index": 0, "delta": delta, "finish_reason": finish.map { $0 as Any } ?? NSNull()]],
            ])
        }
        var events = [chunk(["role": "assistant", "content": ""])]
        events += reasoning.map { chunk(["reasoning_content": $0]) }
        events += pieces.map { chunk(["content": $0]) }
        if let finishReason { events.append(chunk([:], finish: finishReason)) }
        if let usage {
            events.append(jsonText([
                "id": "chatcmpl-test", "object": "chat.completion.chunk", "model": model, "choices": [Any](),
                "usage": ["prompt_tokens": usage.prompt, "completion_tokens": usage.completion, "total_tokens": usage.prompt + usage.completion],
            ]))
        }
        if done { events.append("[DONE]") }
        return events
    }

    /// Compact JSON text with sorted keys (stable for tests).
    public static func jsonText(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
