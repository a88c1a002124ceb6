import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Asks the controlling terminal for its primary device attributes (DA1, `ESC [ c`) and reads the
/// answer (`ESC [ ? 62 ; 4 c`) with input echo off, for at most `timeout`. Used before the chat
/// screen starts and before `parley image` draws, so the answer never mixes with typing. Nil when
/// there is no terminal or no answer in time. The answer is only parsed, never printed.
enum TerminalQuery {
    static func deviceAttributes(timeout: Duration = .milliseconds(300)) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        guard tcsetattr(fd, TCSANOW, &raw) == 0 else { return nil }
        defer { tcsetattr(fd, TCSANOW, &saved) }
        let ask = Array("\u{1B}[c".utf8)
        guard ask.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == ask.count else { return nil }
        let deadline = ContinuousClock.now + timeout
        var answer: [UInt8] = []
        while answer.count < 256 {
            let left = deadline - ContinuousClock.now
            let milliseconds = Int32(max(0, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            guard milliseconds > 0 else { break }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, milliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { break }
            var byte: UInt8 = 0
            guard read(fd, &byte, 1) == 1 else { break }
            answer.append(byte)
            // The answer ends in `c` after its `ESC [ ?`.
            if byte == UInt8(ascii: "c"), answer.count > 3 { break }
        }
        return answer.isEmpty ? nil : String(decoding: answer, as: UTF8.self)
    }
}
