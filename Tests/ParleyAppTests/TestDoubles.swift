import Foundation
import ParleyCore
import ParleyImages
import ParleyTestSupport

@testable import ParleyApp

/// A chat backend whose server lists models, as an OpenAI-compatible one does.
struct ListingBackend: ChatBackend, ServerModelListing {
    let base = ScriptedBackend.replying(["ok"])
    let models: [String]

    var descriptor: BackendDescriptor { base.descriptor }
    var contextSize: Int { base.contextSize }
    func tokenCount(of message: ChatMessage) -> Int { base.tokenCount(of: message) }
    func reply(to request: ChatRequest) -> AsyncThrowingStream<ReplyEvent, Error> { base.reply(to: request) }
    func listModels() async throws -> [String] { models }
}

/// An image backend that draws a 2×2 PNG after saying it is half done, or waits until cancelled.
struct StubImageBackend: ImageBackend {
    var hangs = false
    let name = "stub-images"

    func generate(_ request: ImageRequest, progress: @escaping @Sendable (ImageProgress) -> Void) async throws -> GeneratedImage {
        progress(ImageProgress(fraction: 0.5))
        while hangs { try await Task.sleep(for: .milliseconds(5)) }
        let pixels = RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 200, count: 12))
        return GeneratedImage(
            data: PNGEncoder.encode(pixels)!, header: ImageHeader(format: .png, width: 2, height: 2),
            parameters: ImageParameters(prompt: request.prompt, seed: 7, model: "stub-model", width: 2, height: 2, backend: name, kind: "stub"))
    }

    func modelNames() async throws -> [String] { ["stub-model", "other-model"] }
}

/// An image server that also lists LoRAs, as SD WebUI does.
struct StubLoRAImageBackend: ImageBackend, ImageLoRAListing {
    let base = StubImageBackend()
    var name: String { base.name }
    func generate(_ request: ImageRequest, progress: @escaping @Sendable (ImageProgress) -> Void) async throws -> GeneratedImage {
        try await base.generate(request, progress: progress)
    }
    func modelNames() async throws -> [String] { try await base.modelNames() }
    func loraNames() async throws -> [String] { ["detail", "style"] }
}

/// The desktop viewer's stand-in: records the files it was asked to open and exits with `status`.
final class RecordingViewer: @unchecked Sendable {
    let status: Int32
    private let lock = NSLock()
    private var files: [URL] = []

    init(status: Int32 = 0) {
        self.status = status
    }

    var opened: [URL] { lock.withLock { files } }

    func open(_ file: URL, finished: @escaping @Sendable (Int32) -> Void) {
        lock.withLock { files.append(file) }
        finished(status)
    }
}

/// Ids `test-1`, `test-2`, ... in the order asked for.
final class SequentialIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func next() -> String {
        lock.withLock {
            count += 1
            return "test-\(count)"
        }
    }
}
