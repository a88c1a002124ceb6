import Foundation

/// Writes an executable script for a test (a fake editor or desktop opener).
///
/// Why not `String.write(to:)` and `chmod`: while this process holds the file open for writing,
/// a process another test forks at that moment can inherit the descriptor, and the script's
/// later exec then fails with ETXTBSY ("text file busy"); seen in the full parallel suite. Here a
/// short-lived shell writes it, so no process of the test run ever has it open for writing.
public enum ScriptFile {
    public struct WriteFailed: Error, CustomStringConvertible {
        public var description: String
    }

    public static func write(_ script: String, to url: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "cat > \"$0\" && chmod 755 \"$0\"", url.path]
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw WriteFailed(description: "could not write the script \(url.path) (exit status \(process.terminationStatus))")
        }
    }
}
