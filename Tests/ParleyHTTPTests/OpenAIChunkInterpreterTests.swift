import Foundation
import ParleyCore
import Testing

@testable import ParleyHTTP

/// Runs SSE text through the decoder and the interpreter, one byte at a time.
private func interpret(_ stream: String) -> (events: [ReplyEvent], end: FinishReason, error: HTTPBackendError?) {
    var decoder = SSEDecoder()
    var interpreter = OpenAIChunkInterpreter(url: "http://h/v1/chat/completions")
    var out: [ReplyEvent] = []
    var outputs: [SSEDecoder.Output] = []
    for byte in stream.utf8 { outputs += decoder.feed([byte]) }
    outputs += decoder.finish()
    do {
        for output in outputs {
            switch output {
            case .event(let event): out += try interpreter.interpret(event)
            case .invalidLine(let line): throw HTTPBackendError.malformedStream(url: "u", detail: line)
            }
        }
    } catch {
        return (out, interpreter.endReason(), error as? HTTPBackendError)
    }
    out += interpreter.finishEvents()
    return (out, interpreter.endReason(), nil)
}

private func chunk(_ delta: String, finish: String? = nil) -> String {
    let reason = finish.map { "\"\($0)\"" } ?? "null"
    return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":\(delta),\"finish_reason\":\(reason)}]}\n\n"
}

struct OpenAIChunkInterpreterTests {
    @Test func plainStreamWithDone() {
        let r = interpret(chunk("{\"role\":\"assistant\"}") + chunk("{\"content\":\"Hel\"}") + chunk("{\"content\":\"lo\"}")
            + chunk("{}", finish: "stop") + "data: [DONE]\n\n")
        #expect(r.events == [.text("Hel"), .text("lo")])
        #expect(r.end == .stop)
        #expect(r.error == nil)
    }

    @Test(arguments: [
        ("null", FinishReason.truncated), ("\"\"", .truncated), ("\"stop\"", .stop), ("\"length\"", .length),
        ("\"error\"", .error),
    ])
    func finishReasons(_ raw: String, _ expected: FinishReason) {
        let line = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\(raw)}]}\n\n"
        #expect(interpret(line).end == expected)
    }

    @Test func doneWithoutFinishReasonIsStop() {
        #expect(interpret(chunk("{\"content\":\"x\"}") + "data: [DONE]\n\n").end == .stop)
    }

    @Test func neitherDoneNorFinishIsTruncated() {
        let r = interpret(chunk("{\"content\":\"x\"}"))
        #expect(r.events == [.text("x")])
        #expect(r.end == .truncated)
    }

    @Test func usageOnlyFinalChunk() {
        let r = interpret(chunk("{\"content\":\"x\"}", finish: "length")
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}\n\n"
            + "data: [DONE]\n\n")
        #expect(r.events == [.text("x"), .usage(TokenUsage(promptTokens: 12, completionTokens: 3))])
        #expect(r.end == .length)
    }

    @Test func llamaCppTimingsGiveUsageWhenUsageIsMissing() throws {
        var interpreter = OpenAIChunkInterpreter(url: "u")
        let data = "{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],\"timings\":{\"prompt_n\":5,\"predicted_n\":9,\"predicted_per_second\":31.2}}"
        #expect(try interpreter.interpret(SSEEvent(data: data)) == [])
        var withoutUsage = interpreter
        #expect(withoutUsage.finishEvents() == [.usage(TokenUsage(promptTokens: 5, completionTokens: 9))])
        _ = try interpreter.interpret(SSEEvent(data: "{\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":9}}"))
        #expect(interpreter.finishEvents() == [])
    }

    @Test func reasoningIsKeptApart() {
        let r = interpret(chunk("{\"reasoning_content\":\"think\",\"content\":null}") + chunk("{\"reasoning\":\"more\"}")
            + chunk("{\"content\":\"answer\"}", finish: "stop"))
        #expect(r.events == [.reasoning("think"), .reasoning("more"), .text("answer")])
    }

    @Test func errorObjectInA200Stream() {
        let r = interpret(chunk("{\"content\":\"x\"}") + "data: {\"error\":{\"message\":\"model crashed\",\"type\":\"server_error\"}}\n\n")
        #expect(r.events == [.text("x")])
        #expect(r.error == .streamError(url: "http://h/v1/chat/completions", message: "model crashed"))
    }

    @Test func contextOverflowInsideTheStream() {
        let r = interpret("data: {\"error\":{\"code\":400,\"message\":\"the request exceeds the available context size, try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":9000,\"n_ctx\":8192}}\n\n")
        guard case .contextTooLong(_, 9000, 8192, _) = r.error else {
            Issue.record("got \(String(describing: r.error))")
            return
        }
    }

    @Test func eventNamedErrorIsAnError() {
        let r = interpret("event: error\ndata: {\"message\":\"overloaded\"}\n\n")
        #expect(r.error == .streamError(url: "http://h/v1/chat/completions", message: "overloaded"))
    }

    @Test(arguments: [
        "data: not json\n\n", "data: <html><body>502 Bad Gateway</body></html>\n\n", "data: [1,2]\n\n",
        "data: {\"choices\":[{\"delta\":{\"content\":\"\\ud800\"}}]}\n\n",
        "data: {\"choices\":[{\"delta\":{\"content\":\"\\udc00x\"}}]}\n\n",
        "<html><head><title>502</title></head></html>\n",
    ])
    func malformedInputIsAnErrorNotACrash(_ stream: String) {
        let r = interpret(stream)
        guard case .malformedStream = r.error else {
            Issue.record("expected malformedStream, got \(String(describing: r.error))")
            return
        }
        #expect(oneLineDescription(of: r.error!).contains("\n") == false)
    }

    @Test func onlyTheFirstChoiceIsTheReply() {
        let r = interpret("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}},{\"index\":1,\"delta\":{\"content\":\"b\"}}]}\n\n")
        #expect(r.events == [.text("a")])
    }

    @Test func thinkTagsInContentBecomeReasoning() {
        let r = interpret(chunk("{\"content\":\"<thi\"}") + chunk("{\"content\":\"nk>plan</th\"}")
            + chunk("{\"content\":\"ink>\\n\\nAnswer\"}", finish: "stop"))
        #expect(r.events == [.reasoning("plan"), .text("Answer")])
    }

    @Test func validSurrogatePairDecodes() {
        #expect(interpret(chunk("{\"content\":\"\\ud83d\\ude00\"}")).events == [.text("😀")])
    }

    @Test func nonStreamingCompletion() throws {
        var interpreter = OpenAIChunkInterpreter(url: "u")
        let object = try JSONSerialization.jsonObject(with: Data("""
            {"choices":[{"index":0,"message":{"role":"assistant","content":"Hello","reasoning_content":"hm"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":4,"completion_tokens":1}}
            """.utf8)) as! [String: Any]
        #expect(try interpreter.interpret(completion: object) == [
            .reasoning("hm"), .text("Hello"), .usage(TokenUsage(promptTokens: 4, completionTokens: 1)),
        ])
        #expect(interpreter.endReason() == .stop)
    }
}
