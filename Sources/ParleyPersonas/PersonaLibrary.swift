import Foundation
import ParleyCore

/// All personas available to a run: the bundled ones, then the user's, then `--personas DIR`, a
/// later directory overriding an earlier persona of the same name. A malformed file is reported and
/// skipped; the rest still load. With no persona files at all, the built-in assistant is there.
public struct PersonaLibrary: Sendable {
    public private(set) var personas: [String: Persona]
    /// One line per file that could not be read.
    public private(set) var problems: [String]

    public init(directories: [URL]) {
        var (personas, problems) = MarkdownDirectory.load(from: directories, name: \Persona.name) { path, text in
            try PersonaParser(file: path).parse(text)
        }
        if personas["assistant"] == nil { personas["assistant"] = Persona.builtInAssistant }
        self.personas = personas
        self.problems = problems
    }

    /// Personas sorted by name.
    public var all: [Persona] { personas.values.sorted { $0.name < $1.name } }

    public func persona(named name: String) throws -> Persona {
        if let persona = personas[name] { return persona }
        throw UnknownPersona(name: name, known: personas.keys.sorted())
    }

    public struct UnknownPersona: UserFacingError {
        public var name: String
        public var known: [String]
        public var description: String {
            "unknown persona '\(name)'; known personas: \(known.joined(separator: ", "))"
        }
    }

    /// Where the bundled personas are: an installed `share/parley/personas` beside the binary's
    /// `bin/`, or the `Personas/` directory of the source tree the binary was built in (found by
    /// walking up from the executable to the directory holding `Package.swift`).
    public static func bundledDirectory(executable: URL) -> URL? {
        let binary = runningBinary(named: executable).resolvingSymlinksInPath()
        let installed = binary.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/parley/personas")
        if isDirectory(installed) { return installed }
        var directory = binary.deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("Personas")
            if isDirectory(candidate) && FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    /// The file of the running program. `argv[0]` is only its name when it was found through
    /// PATH (`parley`), which names no directory to look beside; the kernel knows the file.
    static func runningBinary(named executable: URL) -> URL {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), path.hasPrefix("/") {
            return URL(fileURLWithPath: path)
        }
        #endif
        return Bundle.main.executableURL ?? executable
    }

    public static func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }
}
