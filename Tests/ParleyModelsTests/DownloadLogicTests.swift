import Foundation
import ParleyModels
import Testing

@Suite("Resume decisions, ranges, progress")
struct DownloadLogicTests {
    let wanted = DownloadSidecar(source: "https://h/x.gguf", size: 100, sha256: String(repeating: "a", count: 64), startedAt: Date())

    @Test func resumeOnlyWhatIsKnownToBeTheSameFile() {
        #expect(ResumePlan.decide(sidecar: nil, partialLength: nil, wanted: wanted) == .fresh)
        #expect(ResumePlan.decide(sidecar: wanted, partialLength: 40, wanted: wanted) == .resume(from: 40))
        #expect(ResumePlan.decide(sidecar: wanted, partialLength: 100, wanted: wanted) == .complete)
        #expect(ResumePlan.decide(sidecar: wanted, partialLength: 0, wanted: wanted) == .fresh)
        if case .restart = ResumePlan.decide(sidecar: nil, partialLength: 40, wanted: wanted) {} else { Issue.record("no sidecar") }
        if case .restart = ResumePlan.decide(sidecar: wanted, partialLength: 101, wanted: wanted) {} else { Issue.record("too long") }
        var other = wanted
        other.sha256 = String(repeating: "b", count: 64)
        if case .restart = ResumePlan.decide(sidecar: other, partialLength: 40, wanted: wanted) {} else { Issue.record("other hash") }
        other = wanted
        other.source = "https://h/y.gguf"
        if case .restart = ResumePlan.decide(sidecar: other, partialLength: 40, wanted: wanted) {} else { Issue.record("other URL") }
    }

    @Test func contentRanges() {
        #expect(ContentRange.parse("bytes 100-199/1000") == ContentRange(first: 100, last: 199, total: 1000))
        #expect(ContentRange.parse("bytes 0-0/*") == ContentRange(first: 0, last: 0, total: nil))
        for bad in ["bytes 5-4/10", "bytes 0-9/9", "items 0-1/2", "bytes -1-2/3", "bytes 1/2", "", "bytes x-y/z"] {
            #expect(ContentRange.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func progressLines() {
        let progress = TransferProgress(received: 25 << 20, total: 100 << 20, bytesPerSecond: Double(5 << 20))
        #expect(progress.line == "25 MiB of 100 MiB  25%  5 MiB/s  0:15 left")
        #expect(progress.bar(width: 10) == "[##......]")
        #expect(TransferProgress(received: 512, total: nil, bytesPerSecond: nil).line == "512 bytes")
        #expect(TransferProgress(received: 0, total: 1 << 40, bytesPerSecond: 1).line.hasSuffix("99:59:59 left"))
    }

    @Test func rateOverTheWindow() {
        var meter = RateMeter(window: 2)
        meter.record(bytes: 0, at: 0)
        #expect(meter.bytesPerSecond == nil)
        meter.record(bytes: 1000, at: 1)
        meter.record(bytes: 5000, at: 3)
        // The sample at 0 s fell out of the 2 s window: (5000 - 1000) / 2.
        #expect(meter.bytesPerSecond == 2000)
    }

    @Test func theTokenGoesOnlyToTheEndpointsOrigin() throws {
        let endpoint = try HubEndpoint(environment: ["HF_ENDPOINT": "http://127.0.0.1:9/", "HF_TOKEN": "secret"])
        #expect(endpoint.treeURL(repo: "o/r").absoluteString == "http://127.0.0.1:9/api/models/o/r/tree/main")
        #expect(endpoint.resolveURL(repo: "o/r", file: "a b.gguf").absoluteString == "http://127.0.0.1:9/o/r/resolve/main/a%20b.gguf")
        #expect(endpoint.headers(for: URL(string: "http://127.0.0.1:9/o/r/resolve/main/x.gguf")!) == ["Authorization": "Bearer secret"])
        #expect(endpoint.headers(for: URL(string: "http://127.0.0.2:9/x.gguf")!).isEmpty)
        #expect(endpoint.headers(for: URL(string: "https://127.0.0.1:9/x.gguf")!).isEmpty)
        #expect(try HubEndpoint(environment: [:]).base.absoluteString == HubEndpoint.defaultBase)
        #expect(throws: ModelPullError.self) { try HubEndpoint(environment: ["HF_ENDPOINT": "ftp://x"]) }
    }

    @Test func theCatalogIsWellFormed() {
        #expect(ModelCatalog.defaultEntry.runsToday)
        #expect(Set(ModelCatalog.names).count == ModelCatalog.entries.count)
        for entry in ModelCatalog.entries {
            #expect(entry.sha256.map(SHA256Hasher.isDigest) ?? true, "\(entry.name)")
            // Every architecture of the catalog is one the runtime has.
            #expect(entry.runsToday, "\(entry.name)")
            #expect(entry.fileName.hasSuffix(".gguf"))
        }
    }
}
