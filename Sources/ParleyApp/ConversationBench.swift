import Foundation
import GGUFRuntime
import ParleyCore
import ParleyLocal

/// `parley bench --conversation TURNS`: time to first token at every turn of a growing chat, as the
/// chat screen drives the local backend (one backend for the whole chat), with prefix reuse and
/// without it (a backend that evaluates every prompt from scratch), alternating which goes first.
/// The reused backend writes each reply (greedy, up to `replyTokens`); both get the same history.
/// Between turns the reused backend does its after-reply work (readying the next prompt's start),
/// which the chat screen does while the user types: it is timed apart.
struct ConversationBench {
    struct Turn: Encodable {
        var turn: Int
        var promptTokens: Int
        var heldTokens: Int
        var replyTokens: Int
        var firstTokenSecondsReused: Double
        var firstTokenSecondsFromScratch: Double
        /// Turn 1 again (from scratch, as any first turn), measured next to this turn: the load
        /// of a shared machine moves both alike, so their ratio is the figure to read.
        var firstTurnSecondsNow: Double
        var readySeconds: Double
        var sameFirstToken: Bool
    }

    let path: String
    let threads: Int?
    let turns: Int
    let replyTokens: Int
    let systemPrompt: String
    let examples: [ChatMessage]

    /// Questions that ask for a few paragraphs, so the chat grows by a few hundred tokens a turn.
    static let questions = [
        "I want to start a small vegetable garden on my balcony. What should I plan first?",
        "Which vegetables grow well in pots, and how big should the pots be?",
        "How often should I water them in summer, and how can I tell if they need water?",
        "What soil or compost should I buy, and can I reuse it next year?",
        "How do I deal with aphids and other pests without strong chemicals?",
        "My tomato leaves are turning yellow at the bottom. What could cause that?",
        "Can I grow herbs in the same pots as vegetables? Which ones go well together?",
        "How much sun do these plants need, and what if my balcony faces north?",
        "When and how should I harvest so the plants keep producing?",
        "What should I do with the garden over the winter?",
        "Could you summarise the whole plan as a short checklist?",
        "What are the three mistakes beginners make most often?",
    ]

    func run() async throws -> [Turn] {
        let reused = try LocalBackend(path: path, threads: threads)
        let scratch = try LocalBackend(path: path, threads: threads, reusePrefix: false)
        // A first request pays for mapping the model and its caches in: both backends pay it here,
        // on a prompt that shares nothing with the chat but the template's first few tokens.
        let warmUp = ChatRequest(
            messages: [ChatMessage(role: .user, content: "Hello.")], sampling: SamplingOptions(temperature: 0, maxTokens: 1))
        _ = try await Self.measure(scratch, warmUp)
        _ = try await Self.measure(reused, warmUp)
        var messages = [ChatMessage(role: .system, content: systemPrompt)] + examples
        let firstTurn = ChatRequest(
            messages: messages + [ChatMessage(role: .user, content: Self.questions[0])],
            sampling: SamplingOptions(temperature: 0, maxTokens: 1))
        var results: [Turn] = []
        for turn in 0..<turns {
            messages.append(ChatMessage(role: .user, content: Self.questions[turn % Self.questions.count]))
            // The first token only, from scratch; the whole reply with reuse, which becomes history.
            let once = ChatRequest(messages: messages, sampling: SamplingOptions(temperature: 0, maxTokens: 1))
            // A key, as the chat screen's stored conversations have: the backend readies the next turn.
            let whole = ChatRequest(
                messages: messages, sampling: SamplingOptions(temperature: 0, maxTokens: replyTokens), cacheKey: "bench")
            var fromScratch: Measured?
            var firstAgain: Measured?
            if turn % 2 == 0 {
                fromScratch = try await Self.measure(scratch, once)
                firstAgain = try await Self.measure(scratch, firstTurn)
            }
            let withReuse = try await Self.measure(reused, whole)
            let start = DispatchTime.now().uptimeNanoseconds
            await reused.finishBackgroundWork()
            let ready = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if fromScratch == nil {
                firstAgain = try await Self.measure(scratch, firstTurn)
                fromScratch = try await Self.measure(scratch, once)
            }
            guard let fromScratch, let firstAgain else { continue }
            results.append(Turn(
                turn: turn + 1, promptTokens: withReuse.usage?.promptTokens ?? 0,
                heldTokens: withReuse.usage?.cachedPromptTokens ?? 0, replyTokens: withReuse.usage?.completionTokens ?? 0,
                firstTokenSecondsReused: withReuse.firstToken, firstTokenSecondsFromScratch: fromScratch.firstToken,
                firstTurnSecondsNow: firstAgain.firstToken, readySeconds: ready, sameFirstToken: withReuse.text.hasPrefix(fromScratch.text)))
            messages.append(ChatMessage(role: .assistant, content: withReuse.text))
        }
        return results
    }

    struct Measured {
        var firstToken: Double
        var text: String
        var usage: TokenUsage?
    }

    /// Seconds from the request to its first piece of text, the whole text and the usage.
    static func measure(_ backend: LocalBackend, _ request: ChatRequest) async throws -> Measured {
        let start = DispatchTime.now().uptimeNanoseconds
        var first: Double?
        var text = ""
        var usage: TokenUsage?
        for try await event in backend.reply(to: request) {
            switch event {
            case .text(let piece):
                if first == nil { first = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
                text += piece
            case .usage(let reported):
                usage = reported
            default:
                break
            }
        }
        return Measured(firstToken: first ?? Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, text: text, usage: usage)
    }

    /// The table printed without `--json`.
    static func table(_ turns: [Turn]) -> String {
        var out = "| turn | prompt tokens | held | reply tokens | first token, reuse (s) | from scratch (s) | turn 1 now (s) | reuse / turn 1 now | readied after reply (s) |\n"
        out += "|---|---|---|---|---|---|---|---|---|\n"
        for t in turns {
            out += "| \(t.turn) | \(t.promptTokens) | \(t.heldTokens) | \(t.replyTokens) | "
                + String(format: "%.3f | %.3f | %.3f | %.2f | %.3f |\n", t.firstTokenSecondsReused, t.firstTokenSecondsFromScratch,
                         t.firstTurnSecondsNow, t.firstTokenSecondsReused / t.firstTurnSecondsNow, t.readySeconds)
        }
        if turns.contains(where: { !$0.sameFirstToken }) {
            out += "warning: a first token differed between the two backends\n"
        }
        return out
    }
}
