import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The Hub-compatible test server (`Tests/HubServer/hub-server.py`) in a process of its own, on
/// two loopback addresses (the Hub on 127.0.0.1, its file store on 127.0.0.2), serving the
/// repositories made under `root`. See the script for the faults it can be told to make.
public final class HubTestServer: @unchecked Sendable {
    public let root: URL
    public let hub: URL
    public let cdn: URL
    private let process: Process
    private let directory: StoreTemporaryDirectory

    /// One request as the server logged it.
    public struct LoggedRequest: Decodable, Sendable {
        public var host: String
        public var path: String
        public var range: String?
        public var authorization: String?
        public var status: Int
        /// Body bytes written to the connection.
        public var sent: Int
    }

    /// Starts the server with `options` (e.g. `["--drop-after", "1000"]`) over the files `files`
    /// (`OWNER/REPO/FILE` to bytes).
    public init(files: [String: Data], options: [String] = []) throws {
        directory = try StoreTemporaryDirectory("hub")
        root = directory.url.appendingPathComponent("root")
        for (path, data) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let portFile = directory.url.appendingPathComponent("port.json")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path, "--root", root.path, "--port-file", portFile.path] + options
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let data = try? Data(contentsOf: portFile),
                let urls = try? JSONDecoder().decode([String: String].self, from: data),
                let hub = urls["hub"].flatMap(URL.init(string:)), let cdn = urls["cdn"].flatMap(URL.init(string:))
            {
                self.hub = hub
                self.cdn = cdn
                return
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        kill(process.processIdentifier, SIGKILL)
        throw CocoaError(.fileReadNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "the hub test server did not start"])
    }

    deinit { stop() }

    /// The script, found from this file's place in the source tree.
    public static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("HubServer/hub-server.py")
    }

    /// Ends the server with SIGKILL: a child of the test process may inherit a mask that blocks
    /// SIGTERM, and then `terminate()` never ends it.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        directory.remove()
    }

    /// Every request the server answered so far (both addresses).
    public func log() throws -> [LoggedRequest] {
        struct Log: Decodable { var requests: [LoggedRequest] }
        let data = try Data(contentsOf: hub.appendingPathComponent("_log"))
        return try JSONDecoder().decode(Log.self, from: data).requests
    }

    /// The requests for file bytes (the file store's answers), in order.
    public func fileRequests() throws -> [LoggedRequest] {
        try log().filter { $0.path.hasPrefix("/cdn/") || $0.path.hasPrefix("/plain/") }
    }
}
