import Foundation

/// Opens a file with the desktop's viewer: `open` on macOS, `xdg-open` elsewhere, found on `PATH`
/// and started directly with the path as its one argument (never through a shell), its output
/// kept off the chat screen.
enum DesktopOpener {
    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String {
            "no desktop opener: \(name) is not on PATH (install xdg-utils, or open the file yourself)"
        }
    }

    struct CouldNotStart: Error, CustomStringConvertible {
        var path: String
        var description: String { "could not start \(path) (is it an executable file?)" }
    }

    /// The opener's name on this system.
    static var name: String {
        #if os(macOS)
            "open"
        #else
            "xdg-open"
        #endif
    }

    /// The opener's executable on `PATH`, nil when there is none.
    static func find(_ name: String = DesktopOpener.name, path: String?) -> URL? {
        for directory in (path ?? "").split(separator: ":") where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Starts the opener on `file`; `finished` hears its exit status. Throws `Missing` when there
    /// is no opener.
    static func open(_ file: URL, environment: [String: String], finished: @escaping @Sendable (Int32) -> Void) throws {
        guard let opener = find(path: environment["PATH"]) else { throw Missing(name: name) }
        let process = Process()
        process.executableURL = opener
        process.arguments = [file.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.terminationHandler = { finished($0.terminationStatus) }
        do {
            try process.run()
        } catch {
            // Foundation's own error here reads "Error Domain=NSCocoaErrorDomain Code=256 (null)".
            throw CouldNotStart(path: opener.path)
        }
    }
}
