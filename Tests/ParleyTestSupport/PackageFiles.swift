import Foundation

/// Files of this package the tests read: its root, the default model, and a file's SHA-256 as
/// the `sha256sum` the fixture scripts use computes it.
public enum PackageFiles {
    /// The package root (this file is Tests/ParleyTestSupport/PackageFiles.swift).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `PARLEY_TEST_MODEL`, else the default model `scripts/setup.sh` fetches into Storage/models.
    public static var defaultModelPath: String {
        if let path = ProcessInfo.processInfo.environment["PARLEY_TEST_MODEL"], !path.isEmpty { return path }
        return root.appendingPathComponent("Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    }

    /// The file's SHA-256 in hex, from `sha256sum`.
    public static func sha256(ofFile path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}
