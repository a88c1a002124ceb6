import Foundation
import ParleyCore

/// Runs the user's editor (`$VISUAL`, else `$EDITOR`, else `vi`) on a text and returns what they
/// saved. The text sits in a file of its own in a new private directory (0700, the file 0600),
/// removed afterwards: a reply can hold anything the user would not leave in /tmp for others.
/// The command goes through `sh -c`, so `EDITOR="code --wait"` works as it does for git.
struct ExternalEditor {
    let environment: [String: String]
    /// The most the edited file may hold (the size of a message).
    var limit = SizeLimits.defaultMaxInputBytes

    /// Why the edit gave nothing to save.
    struct Failure: UserFacingError {
        var description: String
    }

    var command: String {
        for name in ["VISUAL", "EDITOR"] {
            if let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return value }
        }
        return "vi"
    }

    /// Blocks until the editor exits. The caller has handed it the terminal.
    func edit(_ text: String, fileName: String) throws -> String {
        var template = Array((NSTemporaryDirectory() + "/parley-edit-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw Failure(description: "cannot make a private directory for the editor: \(String(cString: strerror(errno)))")
        }
        let directory = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + fileName
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(description: "cannot write the text for the editor: \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw Failure(description: "cannot write the text for the editor") }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " \"$1\"", "parley-editor", path]
        process.environment = environment
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot start the editor (\(command)): \(error.localizedDescription)")
        }
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let how = process.terminationReason == .exit ? "exited with status \(process.terminationStatus)" : "was killed"
            throw Failure(description: "the editor (\(command)) \(how); nothing was saved")
        }
        do {
            return String(decoding: try BoundedFile.read(path, limit: limit), as: UTF8.self)
        } catch {
            throw Failure(description: "cannot read what the editor saved: \(error.description)")
        }
    }
}
