import Foundation

/// Moves unreadable files aside, byte for byte, into `quarantine/`, never over another file.
struct Quarantine: Sendable {
    let directory: URL
    let atomicFile: AtomicFile

    /// Moves `file` into the quarantine directory under its own name, or with `.1`, `.2`, ... added
    /// when that is taken. Returns the new location, or nil when the file was already gone.
    func move(_ file: URL) throws -> URL? {
        let name = file.lastPathComponent
        for attempt in 0..<10_000 {
            let candidate = directory.appendingPathComponent(
                Quarantine.candidateName(for: name, attempt: attempt), isDirectory: false)
            do {
                if try Platform.moveNoReplace(from: file, to: candidate) {
                    Platform.setOwnFileMode(candidate, 0o600)
                    try? atomicFile.syncDirectory(directory)
                    try? atomicFile.syncDirectory(file.deletingLastPathComponent())
                    return candidate
                }
            } catch Platform.ReadFailure.missing {
                return nil
            }
        }
        throw Platform.ReadFailure.system("no free name in \(directory.path)")
    }

    /// `name`, then `name.1`, `name.2`, ...
    static func candidateName(for name: String, attempt: Int) -> String {
        attempt == 0 ? name : "\(name).\(attempt)"
    }
}
