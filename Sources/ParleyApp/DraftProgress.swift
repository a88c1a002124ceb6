import Foundation
import ParleyCore
import ParleyEngine
import ParleyWrite

/// What `parley write` shows while the model writes. The draft itself goes to stdout only once it
/// has been checked (and perhaps written again, renumbered or rendered from JSON), so a person at
/// a terminal sees a live word count on stderr instead; notices (a second attempt, a trimmed
/// context) are status lines as usual.
final class DraftProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let live: Bool
    private var text = ""
    private var shown = false

    /// `live`: draw the word count (stderr is a terminal).
    init(live: Bool) {
        self.live = live
    }

    func report(_ event: TurnEvent) {
        switch event {
        case .started:
            lock.withLock { text = "" }
        case .text(let piece):
            guard live else { return }
            lock.withLock {
                text += piece
                Console.progress("writing\u{2026} \(TextTokens.wordCount(text)) words")
                shown = true
            }
        case .notice(let notice), .safetyNotice(let notice):
            lock.withLock {
                if shown { Console.progress(nil) }
                shown = false
                Console.status(notice)
            }
        case .contextTrimmed(let dropped, let tokens, let size):
            lock.withLock {
                if shown { Console.progress(nil) }
                shown = false
                Console.status("left the \(dropped) oldest messages out so the draft fits the context (\(tokens) of \(size) tokens)")
            }
        case .reasoning:
            break
        }
    }

    /// Clears the live line.
    func finish() {
        lock.withLock {
            if shown { Console.progress(nil) }
            shown = false
        }
    }
}
