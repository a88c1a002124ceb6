import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@testable import ParleyHTTP

/// The event-stream decoder and the chunk interpreter read what a server sends: mutated streams,
/// fed in random pieces, give events or `HTTPBackendError`s of one line, never a crash.
@Suite("SSE decoder fuzz")
struct SSEFuzzTests {
    @Test func mutatedStreamsGiveEventsOrOneLineErrors() async {
        let stream = FaultResponse.openAIStreamEvents(pieces: ["Hel", "lo ", "é😀", "<think>x</think>"], reasoning: ["hm"])
            .map { "data: \($0)\n\n" }.joined()
        let examples = [stream, OpenAIBackendFuzzTests.fragments.joined(), ": ping\r\nevent: error\r\ndata: {\"message\":\"x\"}\r\n\r\n"]
        let tokens = OpenAIBackendFuzzTests.fragments + ["\r", "\n", "data:", "data: ", ":", "{", "}", "\"", "\\u0000", "\u{FF}\u{FE}", "\u{FEFF}"]
        let found = await OwnThread.run {
            var mutator = FuzzMutator(examples: examples, tokens: tokens, seed: 0x55E_F0)
            var random = SeededGenerator(seed: 0x5EED)
            var (events, failures) = (0, [String]())
            for iteration in 0..<3000 {
                let bytes = mutator.next()
                var decoder = SSEDecoder(maxLineBytes: 4096)
                var interpreter = OpenAIChunkInterpreter(url: "http://fuzz/v1/chat/completions")
                var start = 0
                var outputs: [SSEDecoder.Output] = []
                while start < bytes.count {
                    let end = min(bytes.count, start + Int.random(in: 1...64, using: &random))
                    outputs += decoder.feed(bytes[start..<end])
                    start = end
                }
                outputs += decoder.finish()
                for output in outputs {
                    guard case .event(let event) = output else { continue }
                    do {
                        events += try interpreter.interpret(event).count
                    } catch let error as HTTPBackendError {
                        if error.description.contains("\n") { failures.append("iteration \(iteration): \(error.description)") }
                    } catch {
                        failures.append("iteration \(iteration): not an HTTPBackendError: \(error)")
                    }
                }
                events += interpreter.finishEvents().count
                _ = interpreter.endReason()
            }
            return (events, failures)
        }
        #expect(found.1.isEmpty, "\(found.1.prefix(5))")
        #expect(found.0 > 0)
    }
}
