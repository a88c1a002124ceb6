import Foundation

/// `parley models pull`: from a spec to a checked model file with its record, reporting progress.
public struct ModelPuller: Sendable {
    public let registry: ModelRegistry
    public let endpoint: HubEndpoint
    public var downloader: ModelDownloader
    public var packageFetcher = PythonPackageFetcher()

    public init(registry: ModelRegistry, endpoint: HubEndpoint, onEvent: @escaping @Sendable (DownloadEvent) -> Void) {
        self.registry = registry
        self.endpoint = endpoint
        downloader = ModelDownloader(onEvent: onEvent)
    }

    /// What a pull ended with.
    public struct Outcome: Sendable {
        public var model: LocalModelInfo
        /// The file was there already, with the expected hash: nothing was fetched.
        public var alreadyInstalled: Bool
        /// Bytes fetched in this run.
        public var fetched: Int64
    }

    public func pull(_ spec: ModelSpec, expectedSHA256: String? = nil) async throws -> Outcome {
        let client = HubClient(endpoint: endpoint)
        let plan = try await PullPlan.make(for: spec, endpoint: endpoint, expectedSHA256: expectedSHA256?.lowercased()) {
            try await client.files(of: $0)
        }
        let final = registry.directory.appendingPathComponent(plan.fileName)
        if OwnFiles.regularFileSize(final) != nil || registry.modelFiles().contains(final) {
            return try adopt(final, plan: plan)
        }
        let result: DownloadResult
        let origin: String
        switch plan {
        case .download(let download):
            let target = DownloadTarget(
                source: download.source, headers: endpoint.headers(for: download.source), size: download.size,
                sha256: download.sha256, directory: registry.directory, fileName: download.fileName)
            result = try await downloader.download(target)
            origin = download.origin
        case .pythonPackage(let entry):
            let fetcher = packageFetcher
            let directory = registry.directory
            let onEvent = downloader.onEvent
            result = try await Task.detached { try fetcher.fetch(entry, into: directory, onEvent: onEvent) }.value
            origin = entry.origin
        }
        let model = LocalModelInfo.inspect(result.url)
        try record(model, plan: plan, origin: origin, sha256: result.sha256, size: result.size)
        var finished = LocalModelInfo.inspect(result.url)
        finished.sha256 = result.sha256
        return Outcome(model: finished, alreadyInstalled: false, fetched: result.fetched)
    }

    /// A file of that name is installed already: it is the model asked for when its hash is the
    /// one expected (it is then recorded, if it was not), and otherwise it is left alone.
    private func adopt(_ final: URL, plan: PullPlan) throws -> Outcome {
        let record = ModelRecord.read(forModel: final)
        if let expected = plan.sha256 {
            let actual: String
            if let recorded = record?.sha256 {
                actual = recorded
            } else {
                actual = try Self.hash(of: final)
            }
            guard actual == expected else {
                throw ModelPullError.storage(
                    "\(final.path) is installed already with another SHA-256 (\(actual)); remove it first with 'parley models rm \(ModelRegistry.modelName(ofFile: plan.fileName))'")
            }
        }
        let model = LocalModelInfo.inspect(final)
        if record == nil, let sha256 = plan.sha256 {
            try? self.record(model, plan: plan, origin: origin(of: plan), sha256: sha256, size: model.size)
        }
        return Outcome(model: LocalModelInfo.inspect(final), alreadyInstalled: true, fetched: 0)
    }

    private func origin(of plan: PullPlan) -> String {
        switch plan {
        case .download(let download): return download.origin
        case .pythonPackage(let entry): return entry.origin
        }
    }

    private func record(_ model: LocalModelInfo, plan: PullPlan, origin: String, sha256: String, size: Int64) throws {
        let record = ModelRecord(
            file: plan.fileName, catalogName: plan.catalogName, origin: origin, sha256: sha256, size: size, pulledAt: Date(),
            architecture: model.architecture, runnable: model.runnable, notRunnableBecause: model.notRunnableBecause)
        do {
            try record.write(forModel: URL(fileURLWithPath: model.file))
        } catch {
            throw ModelPullError.storage("the model arrived but its record could not be written: \(error)")
        }
    }

    /// The SHA-256 of a whole file (an installed model whose record is missing).
    static func hash(of url: URL) throws -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw ModelPullError.storage("cannot read \(url.path)") }
        defer { try? handle.close() }
        var hasher = SHA256Hasher()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
        return hasher.finish()
    }
}
