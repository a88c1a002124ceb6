import Foundation
import ParleyModels

/// How `models pull` shows a download: one line on stderr updated in place when stderr is a
/// terminal (at most ten times a second), JSON events on stdout with `--json`, nothing otherwise.
final class PullProgress: @unchecked Sendable {
    enum Style {
        case terminalLine
        case jsonEvents
        case quiet
    }

    private let style: Style
    private let lock = NSLock()
    private var meter = RateMeter()
    private var lastShown: Double = -1
    private let start = DispatchTime.now().uptimeNanoseconds
    /// Called with every progress measure, for a screen that draws its own bar.
    var onProgress: (@Sendable (TransferProgress) -> Void)?

    init(style: Style) {
        self.style = style
    }

    static func forCommandLine(json: Bool) -> PullProgress {
        PullProgress(style: json ? .jsonEvents : (Console.stderrIsTerminal ? .terminalLine : .quiet))
    }

    private var now: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    func handle(_ event: DownloadEvent) {
        lock.withLock {
            switch event {
            case .started(let total, let resumedFrom):
                meter.record(bytes: resumedFrom, at: now)
                emit(["event": "started", "total": total.map { $0 as Any } ?? NSNull(), "resumedFrom": resumedFrom])
                if style == .terminalLine, resumedFrom > 0 {
                    Console.status("resuming: \(TransferProgress(received: resumedFrom, total: total, bytesPerSecond: nil).line) already here")
                }
            case .progress(let received, let total):
                guard style != .quiet || onProgress != nil else { return }
                let time = now
                meter.record(bytes: received, at: time)
                // A tenth of a second between updates: a terminal line and a JSON reader both
                // want a steady few updates, not one per network read.
                guard time - lastShown >= 0.1 || received == total else { return }
                lastShown = time
                let progress = TransferProgress(received: received, total: total, bytesPerSecond: meter.bytesPerSecond)
                onProgress?(progress)
                switch style {
                case .terminalLine: Console.progress((progress.fraction == nil ? "" : progress.bar(width: 22) + " ") + progress.line)
                case .jsonEvents:
                    emit([
                        "event": "progress", "received": received, "total": total.map { $0 as Any } ?? NSNull(),
                        "bytesPerSecond": progress.bytesPerSecond.map { Int64($0) as Any } ?? NSNull(),
                    ])
                case .quiet: break
                }
            case .retrying(let why, let received):
                if style == .terminalLine { Console.progress(nil) }
                if style != .jsonEvents { Console.status("\(why); resuming from byte \(received)") }
                emit(["event": "retrying", "reason": why, "received": received])
            case .verifying:
                if style == .terminalLine { Console.progress("checking the SHA-256…") }
                emit(["event": "verifying"])
            }
        }
    }

    /// Clears the progress line before the closing message.
    func finish() {
        if style == .terminalLine { Console.progress(nil) }
    }

    func emit(_ object: [String: Any]) {
        guard style == .jsonEvents, let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            return
        }
        Console.out(String(decoding: data, as: UTF8.self) + "\n")
    }
}
