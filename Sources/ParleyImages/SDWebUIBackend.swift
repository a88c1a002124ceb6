import Foundation
import ParleyHTTP

/// Stable Diffusion WebUI (AUTOMATIC1111, Forge): txt2img, img2img, ControlNet, progress and
/// interrupt through its `/sdapi/v1` API.
///
/// While a picture is made, `/sdapi/v1/progress` is asked once a second. Cancelling the calling
/// task closes the request and sends `POST /sdapi/v1/interrupt`, so the server stops working on a
/// picture nobody waits for (closing the connection alone does not stop it).
public struct SDWebUIBackend: ImageBackend {
    public let endpoint: ImageEndpoint
    private let client: WholeBodyClient
    /// For the interrupt and progress: short timeouts, no retries.
    private let quickClient: WholeBodyClient

    public init(endpoint: ImageEndpoint, keyResolver: APIKeyResolver = APIKeyResolver()) {
        self.endpoint = endpoint
        client = WholeBodyClient(settings: endpoint.settings, keyResolver: keyResolver)
        var quick = endpoint.settings
        quick.idleTimeout = min(quick.idleTimeout, 10)
        quick.deadline = min(quick.deadline, 15)
        quick.maxRetries = 0
        quickClient = WholeBodyClient(settings: quick, keyResolver: keyResolver)
    }

    public var name: String { endpoint.name }

    /// How often progress is asked for.
    static let progressInterval = Duration.seconds(1)

    public func generate(
        _ request: ImageRequest, progress: @escaping @Sendable (ImageProgress) -> Void
    ) async throws -> GeneratedImage {
        var controlModel: String?
        if let control = request.control {
            let models = try await controlNetModels()
            controlModel = SDWebUIRequestBuilder.controlModel(for: control, available: models)
        }
        let checkpoint = try await checkpointTitle(for: request.model ?? endpoint.model)
        let body = SDWebUIRequestBuilder.body(for: request, checkpoint: checkpoint, controlModel: controlModel)
        let url = endpoint.url(SDWebUIRequestBuilder.path(for: request))
        let json = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let answer: Data
        do {
            answer = try await withThrowingTaskGroup(of: Data?.self) { group in
                group.addTask {
                    try await client.send("POST", url, json: json, what: "a picture", limit: ImageEndpoint.maxPictureBody)
                }
                group.addTask {
                    await pollProgress(progress)
                    return nil
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let data = result { return data }
                }
                throw CancellationError()
            }
        } catch {
            if Task.isCancelled || error is CancellationError {
                await interrupt()
                throw CancellationError()
            }
            throw error
        }
        let shown = OpenAIEndpoint.display(url)
        let picture = try PictureAnswer.sdwebui(answer, url: shown)
        let info = picture.info
        let parameters = ImageParameters(
            prompt: request.prompt, negativePrompt: request.negativePrompt,
            seed: (info["seed"] as? NSNumber)?.int64Value ?? request.seed,
            model: (info["sd_model_name"] as? String) ?? checkpoint,
            sampler: (info["sampler_name"] as? String) ?? (body["sampler_name"] as? String),
            steps: (info["steps"] as? Int) ?? (body["steps"] as? Int),
            width: picture.header.width, height: picture.header.height, backend: endpoint.name,
            kind: ImageBackendKind.sdwebui.rawValue)
        return GeneratedImage(data: picture.data, header: picture.header, parameters: parameters)
    }

    /// Asks the server to stop the picture it is making. Runs outside the cancelled task, whose
    /// requests would be cancelled at once; a failure is ignored (the server may be gone).
    public func interrupt() async {
        let client = quickClient
        let url = endpoint.url("sdapi/v1/interrupt")
        await Task.detached {
            _ = try? await client.send("POST", url, json: Data("{}".utf8), what: "an answer", limit: ImageEndpoint.maxListBody, retries: false)
        }.value
    }

    private func pollProgress(_ progress: @escaping @Sendable (ImageProgress) -> Void) async {
        let url = endpoint.url("sdapi/v1/progress").appending(queryItems: [URLQueryItem(name: "skip_current_image", value: "true")])
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: Self.progressInterval)
            } catch { return }
            guard let body = try? await quickClient.send("GET", url, what: "a progress answer", limit: ImageEndpoint.maxListBody, retries: false),
                let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
                let fraction = (object["progress"] as? NSNumber)?.doubleValue
            else { continue }
            progress(ImageProgress(fraction: min(1, max(0, fraction)), secondsLeft: (object["eta_relative"] as? NSNumber)?.doubleValue))
        }
    }

    /// The ControlNet models the server has; `controlNetMissing` when it has no ControlNet.
    public func controlNetModels() async throws -> [String] {
        let url = endpoint.url("controlnet/model_list")
        guard let body = try? await quickClient.send("GET", url, what: "a model list", limit: ImageEndpoint.maxListBody),
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            let models = object["model_list"] as? [String]
        else {
            try Task.checkCancellation()
            throw ImageError.controlNetMissing(url: OpenAIEndpoint.display(url))
        }
        return models
    }

    /// The LoRA names the server has, for `<lora:NAME:WEIGHT>` in a prompt.
    public func loraNames() async throws -> [String] {
        try await names(at: "sdapi/v1/loras", field: "name")
    }

    /// The checkpoints the server has, by title (what `model` in the config names).
    public func modelNames() async throws -> [String] {
        try await checkpointList().map(\.title)
    }

    /// The checkpoints the server has, with their short names.
    public func checkpointList() async throws -> [SDWebUICheckpoint] {
        try await objects(at: "sdapi/v1/sd-models").compactMap { object in
            guard let title = object["title"] as? String else { return nil }
            return SDWebUICheckpoint(title: title, modelName: (object["model_name"] as? String) ?? title)
        }
    }

    /// The title to send for the checkpoint `wanted` names (see `SDWebUICheckpoint.resolve`).
    /// A server whose list cannot be read gets the name as given.
    private func checkpointTitle(for wanted: String?) async throws -> String? {
        guard let wanted else { return nil }
        let list: [SDWebUICheckpoint]
        do {
            list = try await checkpointList()
        } catch {
            try Task.checkCancellation()
            return wanted
        }
        return try SDWebUICheckpoint.resolve(wanted, in: list).get().title
    }

    private func names(at path: String, field: String) async throws -> [String] {
        try await objects(at: path).compactMap { $0[field] as? String }
    }

    private func objects(at path: String) async throws -> [[String: Any]] {
        let url = endpoint.url(path)
        let body = try await client.send("GET", url, what: "a list", limit: ImageEndpoint.maxListBody)
        guard let list = (try? JSONSerialization.jsonObject(with: body)) as? [Any] else {
            throw ImageError.notAList(url: OpenAIEndpoint.display(url), expected: "a JSON list")
        }
        return list.compactMap { $0 as? [String: Any] }
    }
}
