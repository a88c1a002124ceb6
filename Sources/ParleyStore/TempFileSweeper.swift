import Foundation

/// Removes temp files left by writers that crashed before renaming them; those of live processes
/// (a save in progress right now) are left alone.
enum TempFileSweeper {
    static func sweep(_ directories: [URL], diagnostics: @Sendable (String) -> Void) {
        var removed = 0
        for directory in directories {
            for name in Platform.fileNames(in: directory) {
                guard let pid = TempFileName.pid(in: name), !Platform.isProcessAlive(pid) else { continue }
                Platform.removeFile(directory.appendingPathComponent(name, isDirectory: false))
                removed += 1
            }
        }
        if removed > 0 {
            diagnostics("removed \(removed) leftover temp file(s) of crashed Parley processes")
        }
    }
}
