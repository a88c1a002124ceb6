import Foundation
import ParleyCore

/// The screen the chat opens with when the model it needs is not installed: it offers to pull
/// it, shows the download with a progress bar, can be cancelled (what arrived is kept, and Enter
/// resumes it), and hands over to the chat once the model is there. State, events, effects, the
/// reducer and the view are pure, as the chat's own are; `parley` runs the effects.
public struct ModelOfferState: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// Asking: Enter or y pulls, n or Esc quits.
        case offer
        /// Downloading; `received`/`total` bytes and the rate as last reported.
        case pulling(received: Int64, total: Int64?, bytesPerSecond: Double?)
        /// The bytes are in and their SHA-256 is being checked.
        case verifying
        /// Ctrl-C or Esc was pressed; waiting for the download to stop.
        case cancelling
        /// Stopped, by the user or by a failure (one line); Enter tries again (a download resumes
        /// from what is kept), Esc quits.
        case stopped(String)
    }

    public var width: Int
    public var height: Int
    /// The catalog name pulled (`smollm2-135m`).
    public var model: String
    /// One line about it: parameters, size, licence.
    public var about: String
    public var phase: Phase = .offer

    public init(width: Int, height: Int, model: String, about: String) {
        self.width = width
        self.height = height
        self.model = model
        self.about = about
    }
}

public enum ModelOfferEvent: Sendable, Equatable {
    case input(InputEvent)
    case resize(width: Int, height: Int)
    case progress(received: Int64, total: Int64?, bytesPerSecond: Double?)
    case verifying
    /// The model is installed.
    case pulled
    /// The pull ended without the model (cancelled or failed): one line saying what is kept.
    case pullStopped(String)
    /// SIGTERM or SIGHUP.
    case terminate
}

public enum ModelOfferEffect: Sendable, Equatable {
    case startPull
    case cancelPull
    /// The model is there: open the chat on it.
    case startChat
    /// Leave without the model.
    case quit
}

public struct ModelOfferReducer: Sendable {
    public init() {}

    public func reduce(_ state: inout ModelOfferState, _ event: ModelOfferEvent) -> [ModelOfferEffect] {
        switch event {
        case .resize(let width, let height):
            state.width = width
            state.height = height
            return []
        case .progress(let received, let total, let rate):
            guard case .pulling = state.phase else { return [] }
            state.phase = .pulling(received: received, total: total, bytesPerSecond: rate)
            return []
        case .verifying:
            guard case .pulling = state.phase else { return [] }
            state.phase = .verifying
            return []
        case .pulled:
            return [.startChat]
        case .pullStopped(let why):
            state.phase = .stopped(why)
            return []
        case .terminate:
            switch state.phase {
            case .pulling, .verifying, .cancelling: return [.cancelPull, .quit]
            case .offer, .stopped: return [.quit]
            }
        case .input(let input):
            guard case .key(let key) = input else { return [] }
            return press(key, &state)
        }
    }

    private func press(_ key: Key, _ state: inout ModelOfferState) -> [ModelOfferEffect] {
        let quitKey = key == .escape || key == .ctrl("c") || key == .ctrl("d") || key == .character("q") || key == .character("n")
            || key == .character("N")
        switch state.phase {
        case .offer, .stopped:
            if key == .enter || key == .character("y") || key == .character("Y") {
                state.phase = .pulling(received: 0, total: nil, bytesPerSecond: nil)
                return [.startPull]
            }
            return quitKey ? [.quit] : []
        case .pulling, .verifying:
            guard key == .escape || key == .ctrl("c") else { return [] }
            state.phase = .cancelling
            return [.cancelPull]
        case .cancelling:
            return []
        }
    }
}

public struct ModelOfferView: Sendable {
    public init() {}

    public func render(_ state: ModelOfferState) -> ChatView.Frame {
        var buffer = CellBuffer(width: state.width, height: state.height)
        guard state.width >= 20, state.height >= 6 else {
            _ = buffer.write("Terminal too small", x: 0, y: 0, style: CellStyle(.notice, bold: true), limit: state.width)
            return ChatView.Frame(buffer: buffer, cursor: nil)
        }
        let bar = CellStyle(.statusBar, reverse: true)
        buffer.fill(x: 0, y: 0, width: state.width, height: 1, style: bar)
        _ = buffer.write(" Parley — no model installed yet", x: 0, y: 0, style: bar, limit: state.width)
        let inner = min(state.width - 4, 72)
        let left = max(2, (state.width - inner) / 2)
        var y = max(2, state.height / 2 - 4)
        func line(_ text: String, _ style: CellStyle = .plain) {
            guard y < state.height - 1 else { return }
            _ = buffer.write(text, x: left, y: y, style: style, limit: left + inner)
            y += 1
        }
        line("The chat needs a model: \(state.model)", CellStyle(.heading, bold: true))
        line(state.about, CellStyle(.dim))
        y += 1
        switch state.phase {
        case .offer:
            line("Pull it now?  Enter or y: pull   n or Esc: quit", CellStyle(.notice, bold: true))
        case .pulling(let received, let total, let rate):
            line(progressBar(received: received, total: total, width: inner))
            line(progressText(received: received, total: total, rate: rate))
            y += 1
            line("Ctrl-C or Esc stops it (what arrived is kept)", CellStyle(.dim))
        case .verifying:
            line(progressBar(received: 1, total: 1, width: inner))
            line("checking the SHA-256…")
        case .cancelling:
            line("stopping…", CellStyle(.dim))
        case .stopped(let why):
            line(why, CellStyle(.error))
            y += 1
            line("Enter: try again (it resumes)   Esc: quit", CellStyle(.notice, bold: true))
        }
        return ChatView.Frame(buffer: buffer, cursor: nil)
    }

    /// `[#####-----]  42%`, or a bar that says only that bytes arrive when the size is unknown.
    func progressBar(received: Int64, total: Int64?, width: Int) -> String {
        let cells = max(4, width - 8)
        guard let total, total > 0 else { return "[" + String(repeating: "·", count: cells) + "]" }
        let fraction = min(1, max(0, Double(received) / Double(total)))
        let filled = Int((fraction * Double(cells)).rounded(.down))
        let percent = Int((fraction * 100).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: cells - filled) + "]"
            + String(repeating: " ", count: max(1, 5 - String(percent).count)) + "\(percent)%"
    }

    func progressText(received: Int64, total: Int64?, rate: Double?) -> String {
        // Before the first byte (the listing, or pip fetching the default model's package).
        if received == 0 && rate == nil { return "starting…" }
        var text = ByteCountText.describe(Int(clamping: received))
        if let total { text += " of " + ByteCountText.describe(Int(clamping: total)) }
        if let rate, rate > 0 {
            text += ", " + ByteCountText.describe(Int(rate)) + "/s"
            if let total, total > received {
                let seconds = Int((Double(total - received) / rate).rounded(.up))
                text += ", " + (seconds >= 60 ? "\(seconds / 60) min \(seconds % 60) s" : "\(seconds) s") + " left"
            }
        }
        return text
    }
}
