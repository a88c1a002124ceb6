import Foundation
import ParleyCore

/// The process's standard streams. Text bound for a terminal is sanitised; text bound for a pipe or
/// a file is passed through as it is (it is data there, and nothing interprets it).
enum Console {
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1
    static let stdinIsTerminal = isatty(STDIN_FILENO) == 1

    /// Writes reply text to stdout at once (no buffering: it is streamed).
    static func out(_ text: String) {
        write(STDOUT_FILENO, stdoutIsTerminal ? TerminalSanitizer.sanitize(text) : text)
    }

    /// A picture's escape output, written as it is: it is made by `TerminalPictureWriter` from
    /// decoded pixels (numbers, "▀" and base64), so there is nothing foreign in it to sanitise.
    static func picture(_ text: String) {
        write(STDOUT_FILENO, text)
    }

    /// Stdout's terminal size in cells; `COLUMNS`/`LINES`, then 80×24, when it is not a terminal.
    static func terminalSize(environment: [String: String] = ProcessInfo.processInfo.environment) -> (columns: Int, rows: Int) {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            return (Int(size.ws_col), Int(size.ws_row))
        }
        let columns = environment["COLUMNS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 80
        let rows = environment["LINES"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 24
        return (columns, rows)
    }

    /// The pixel size of one cell, when the terminal reports its size in pixels.
    static func cellPixels() -> (width: Int, height: Int)? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0, size.ws_xpixel > 0, size.ws_ypixel > 0
        else { return nil }
        return (max(1, Int(size.ws_xpixel) / Int(size.ws_col)), max(1, Int(size.ws_ypixel) / Int(size.ws_row)))
    }

    /// A status or error line on stderr, always sanitised and always one line.
    static func status(_ line: String) {
        write(STDERR_FILENO, "parley: " + oneLine(line) + "\n")
    }

    /// A line on stderr that the next call overwrites (nil clears it). Only for a terminal.
    static func progress(_ line: String?) {
        write(STDERR_FILENO, "\r\u{1B}[K" + (line.map { "parley: " + oneLine($0) } ?? ""))
    }

    static func oneLine(_ text: String) -> String {
        TerminalSanitizer.sanitize(text.split(whereSeparator: \.isNewline).joined(separator: " "))
    }

    private static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return  // a closed pipe: nothing more can be said there
            }
            offset += n
        }
        bytes.removeAll()
    }

    /// All of standard input, with invalid UTF-8 replaced; `InputTooLarge` past `limit` bytes,
    /// found without reading further (20 MB piped in took 40 s of CPU before "too long").
    static func readStandardInput(limit: Int) throws -> String {
        do {
            return String(decoding: try BoundedFile.read(descriptor: STDIN_FILENO, limit: limit), as: UTF8.self)
        } catch .tooLarge {
            throw InputTooLarge(limit: limit)
        } catch {
            return ""  // an unreadable standard input (closed, a directory) holds nothing to send
        }
    }

    /// Standard input is longer than a message may be.
    struct InputTooLarge: UserFacingError {
        var limit: Int
        var description: String {
            "standard input is more than the \(ByteCountText.describe(limit)) a message may be; shorten it, or raise max_input_bytes in the config ([defaults]) or --max-input-bytes"
        }
    }
}
