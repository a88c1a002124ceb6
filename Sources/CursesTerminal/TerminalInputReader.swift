import CNCursesW
import Foundation
import ParleyTUI

/// What the terminal's input side reports.
public enum TerminalInputEvent: Sendable, Equatable {
    case input(InputEvent)
    /// The window changed size (SIGWINCH).
    case resize
    /// SIGTERM, SIGHUP or SIGINT arrived.
    case signal(Int32)
    /// The terminal went away (read returned end of file or an error).
    case endOfInput
}

/// Reads the terminal's bytes on a thread of its own and decodes them, blocking in `poll` until
/// input or a signal arrives: no polling timeouts (except a short wait after a lone ESC, to tell
/// the Escape key from the start of a sequence). Signals reach it through a pipe written by
/// async-signal-safe handlers.
public final class TerminalInputReader: @unchecked Sendable {
    private let onEvent: @Sendable (TerminalInputEvent) -> Void
    private var signalPipe: [Int32] = [-1, -1]
    private var stopPipe: [Int32] = [-1, -1]
    private var thread: Thread?
    /// Signalled when the reading thread returns (see `pause()`).
    private let threadEnded = DispatchSemaphore(value: 0)
    /// Signals turned into events.
    public static let forwardedSignals: [Int32] = [SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT]

    public init(onEvent: @escaping @Sendable (TerminalInputEvent) -> Void) {
        self.onEvent = onEvent
    }

    /// Installs the signal handlers and starts reading.
    public func start() {
        _ = pipe(&signalPipe)
        _ = pipe(&stopPipe)
        for fd in [signalPipe[0], signalPipe[1], stopPipe[0], stopPipe[1]] {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        _ = fcntl(signalPipe[1], F_SETFL, O_NONBLOCK)
        for number in TerminalInputReader.forwardedSignals { _ = parley_forward_signal(number, signalPipe[1]) }
        startThread()
    }

    private func startThread() {
        let thread = Thread { [self] in
            loop()
            threadEnded.signal()
        }
        thread.name = "parley.terminal-input"
        self.thread = thread
        thread.start()
    }

    /// Stops reading for a while (another program has the terminal), keeping the signal handlers:
    /// signals that arrive meanwhile are reported after `resume()`. Returns once the reading
    /// thread has ended, so no key meant for the other program is taken.
    public func pause() {
        guard stopPipe[1] >= 0, thread != nil else { return }
        var byte: UInt8 = 1
        _ = write(stopPipe[1], &byte, 1)
        threadEnded.wait()
        _ = read(stopPipe[0], &byte, 1)
        thread = nil
    }

    /// Reads again after `pause()`.
    public func resume() {
        guard thread == nil, stopPipe[0] >= 0 else { return }
        startThread()
    }

    /// Stops reading and puts the signals back to their defaults.
    public func stop() {
        for number in TerminalInputReader.forwardedSignals { parley_default_signal(number) }
        if stopPipe[1] >= 0 {
            var byte: UInt8 = 1
            _ = write(stopPipe[1], &byte, 1)
        }
    }

    private func loop() {
        var decoder = KeyDecoder()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            var fds = [
                pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                pollfd(fd: signalPipe[0], events: Int16(POLLIN), revents: 0),
                pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0),
            ]
            let timeout: Int32 = decoder.isWaitingForMore ? 40 : -1
            let ready = poll(&fds, 3, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                onEvent(.endOfInput)
                return
            }
            if fds[2].revents != 0 { return }
            if ready == 0 {
                for event in decoder.flush() { onEvent(.input(event)) }
                continue
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                let n = read(signalPipe[0], &buffer, 64)
                var resized = false
                for i in 0..<max(0, n) {
                    let number = Int32(buffer[i])
                    if number == SIGWINCH {
                        resized = true
                    } else {
                        onEvent(.signal(number))
                    }
                }
                if resized { onEvent(.resize) }
            }
            if fds[0].revents != 0 {
                let n = read(STDIN_FILENO, &buffer, buffer.count)
                if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if n <= 0 {
                    onEvent(.endOfInput)
                    return
                }
                for event in decoder.feed(Array(buffer[0..<n])) { onEvent(.input(event)) }
            }
        }
    }
}
