import Foundation

/// Finds an executable product of this package next to the running test bundle: SwiftPM builds
/// the tests and the executables into one directory.
public enum BuiltExecutable {
    /// The executable called `name`, or nil when it was not built.
    public static func find(_ name: String) -> URL? {
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for start in [argv0.deletingLastPathComponent(), Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()] {
            var directory = start
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                    FileManager.default.isExecutableFile(atPath: candidate.path)
                {
                    return candidate
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }

    /// The `parley` binary; stops the test run with a clear message when it is missing.
    public static let parley: URL = {
        guard let url = find("parley") else {
            fatalError("the parley binary was not found next to the tests (\(CommandLine.arguments[0]))")
        }
        return url
    }()
}
