import Foundation
import ParleyCore
import ParleyHTTP
import ParleyImages
import ParleyTestSupport
import Testing

/// The SD WebUI and OpenAI images backends against scripted servers that answer with real PNGs.
@Suite(.timeLimit(.minutes(1)))
struct ImageBackendTests {
    static let key = "sk-image-secret-4242"

    func sdBackend(_ server: FaultServer, idleTimeout: Double = 10, maxRetries: Int = 0) -> SDWebUIBackend {
        let settings = WholeBodyClient.Settings(apiKey: .none, idleTimeout: idleTimeout, deadline: 30, maxRetries: maxRetries, retryBaseDelay: 0.01)
        return SDWebUIBackend(endpoint: ImageEndpoint(name: "sd", kind: .sdwebui, baseURL: server.url(""), model: "sd15", settings: settings))
    }

    func openAIBackend(_ server: FaultServer, environment: [String: String] = ["IMAGES_KEY": key]) -> OpenAIImagesBackend {
        let settings = WholeBodyClient.Settings(apiKey: .environment("IMAGES_KEY"), idleTimeout: 10, deadline: 30, maxRetries: 1, retryBaseDelay: 0.01)
        return OpenAIImagesBackend(
            endpoint: ImageEndpoint(name: "dalle", kind: .openai, baseURL: server.baseURL, model: "gpt-image-1", settings: settings),
            keyResolver: APIKeyResolver(environment: environment))
    }

    static func sdAnswer(_ picture: String) -> FaultResponse {
        let info = #"{"seed": 1234, "sd_model_name": "sd15-pruned", "sampler_name": "Euler a", "steps": 12}"#
        return .json(FaultResponse.jsonText(["images": [picture], "parameters": [:], "info": info]))
    }

    func generate(_ backend: some ImageBackend, _ request: ImageRequest = ImageRequest(prompt: "a red fox")) async -> Result<GeneratedImage, Error> {
        do { return .success(try await backend.generate(request, progress: { _ in })) } catch { return .failure(error) }
    }

    @Test func txt2imgReturnsThePictureWithTheParametersTheServerUsed() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("POST", "/sdapi/v1/txt2img", Self.sdAnswer(TestPictures.png().base64EncodedString()))
        let image = try await generate(sdBackend(server), ImageRequest(prompt: "a red fox", steps: 12)).get()
        #expect(image.data == TestPictures.png())
        #expect(image.header == ImageHeader(format: .png, width: 2, height: 4))
        #expect(image.parameters.seed == 1234)
        #expect(image.parameters.model == "sd15-pruned")
        #expect(image.parameters.sampler == "Euler a")
        let sent = try #require(server.requests(to: "/sdapi/v1/txt2img").first?.jsonBody)
        #expect(sent["prompt"] as? String == "a red fox")
        #expect(sent["steps"] as? Int == 12)
    }

    @Test func malformedBase64IsOneLine() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("POST", "/sdapi/v1/txt2img", Self.sdAnswer("!!!not base64!!!"))
        let error = try #require((await generate(sdBackend(server))).failure)
        #expect(error as? ImageError == .malformedBase64(url: OpenAIEndpoint.display(server.url("/sdapi/v1/txt2img"))))
    }

    @Test func aBodyThatIsNotAPictureIsRefused() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("POST", "/sdapi/v1/txt2img", Self.sdAnswer(Data("GIF89a and more".utf8).base64EncodedString()))
        let error = try #require((await generate(sdBackend(server))).failure)
        guard case .notAnImage = error as? ImageError else { Issue.record("\(error)"); return }
    }

    @Test func aHugeHeaderFromTheServerIsRefused() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("POST", "/sdapi/v1/txt2img", Self.sdAnswer(TestPictures.pngHeader(width: 50_000, height: 50_000).base64EncodedString()))
        let error = try #require((await generate(sdBackend(server))).failure)
        guard case .tooLarge(_, 50_000, 50_000) = error as? ImageError else { Issue.record("\(error)"); return }
    }

    @Test func a500IsRetriedThenReportedInOneLine() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route(
            "POST", "/sdapi/v1/txt2img", .json(#"{"error": "CUDA out of memory"}"#, status: 500),
            .json(#"{"error": "CUDA out of memory"}"#, status: 500))
        let error = try #require((await generate(sdBackend(server, maxRetries: 1))).failure)
        let line = oneLineDescription(of: error)
        #expect(line.contains("500") && line.contains("CUDA out of memory"), "\(line)")
        #expect(server.requests(to: "/sdapi/v1/txt2img").count == 2)
    }

    @Test func aSilentServerTimesOut() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("POST", "/sdapi/v1/txt2img", .silent)
        let error = try #require((await generate(sdBackend(server, idleTimeout: 0.5))).failure)
        guard case .idleTimeout = error as? HTTPBackendError else { Issue.record("\(error)"); return }
    }

    @Test func cancellingSendsTheInterrupt() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("POST", "/sdapi/v1/txt2img", .silent)
        server.route("POST", "/sdapi/v1/interrupt", .json("{}"))
        let backend = sdBackend(server)
        let task = Task { await generate(backend) }
        // The checkpoint is looked up first (sd-models, unrouted here); the picture is asked for after.
        let deadline = Date().addingTimeInterval(20)
        while server.requests(to: "/sdapi/v1/txt2img").isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        let result = await task.value
        #expect(result.failure is CancellationError, "\(String(describing: result.failure))")
        #expect(server.requests(to: "/sdapi/v1/interrupt").count == 1)
    }

    @Test func controlNetIsRefusedWhenTheServerHasNone() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        let request = ImageRequest(prompt: "p", control: ControlInput(image: TestPictures.png(), module: "canny"))
        let error = try #require((await generate(sdBackend(server), request)).failure)
        guard case .controlNetMissing = error as? ImageError else { Issue.record("\(error)"); return }
        #expect(server.requests(to: "/sdapi/v1/txt2img").isEmpty)
    }

    @Test func controlNetUsesAListedModel() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("GET", "/controlnet/model_list", .json(#"{"model_list": ["control_v11p_sd15_canny [d14c]"]}"#))
        server.route("POST", "/sdapi/v1/txt2img", Self.sdAnswer(TestPictures.png().base64EncodedString()))
        let request = ImageRequest(prompt: "p", control: ControlInput(image: TestPictures.png(), module: "canny"))
        _ = try await generate(sdBackend(server), request).get()
        let sent = try #require(server.requests(to: "/sdapi/v1/txt2img").first?.jsonBody)
        let args = ((sent["alwayson_scripts"] as? [String: Any])?["controlnet"] as? [String: Any])?["args"] as? [[String: Any]]
        #expect(args?.first?["model"] as? String == "control_v11p_sd15_canny [d14c]")
    }

    @Test func loraAndCheckpointNamesComeFromTheServer() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("GET", "/sdapi/v1/loras", .json(#"[{"name": "ink", "path": "/m/ink.safetensors"}, {"name": "pixel"}]"#))
        server.route("GET", "/sdapi/v1/sd-models", .json(#"[{"title": "sd15.safetensors [abc]", "model_name": "sd15"}]"#))
        #expect(try await sdBackend(server).loraNames() == ["ink", "pixel"])
        #expect(try await sdBackend(server).modelNames() == ["sd15.safetensors [abc]"])
    }

    @Test func aCheckpointNamedShortIsSentByItsTitle() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("GET", "/sdapi/v1/sd-models", .json(#"[{"title": "v1-5-pruned.safetensors [6ce0]", "model_name": "v1-5-pruned"}, {"title": "sdxl.safetensors [31e3]", "model_name": "sdxl"}]"#))
        server.route("POST", "/sdapi/v1/txt2img", Self.sdAnswer(TestPictures.png().base64EncodedString()))
        _ = try await generate(sdBackend(server), ImageRequest(prompt: "a fox", model: "V1-5")).get()
        let sent = try #require(server.requests(to: "/sdapi/v1/txt2img").first?.jsonBody)
        #expect((sent["override_settings"] as? [String: Any])?["sd_model_checkpoint"] as? String == "v1-5-pruned.safetensors [6ce0]")
        // Without a name for this picture, the configured one ("sd15") is looked up the same way.
        let error = try #require((await generate(sdBackend(server))).failure)
        #expect(error as? ImageError == .unknownCheckpoint(name: "sd15", available: ["v1-5-pruned.safetensors [6ce0]", "sdxl.safetensors [31e3]"]))
        #expect(server.requests(to: "/sdapi/v1/txt2img").count == 1)
    }

    @Test func aServerWhoseListCannotBeReadGetsTheNameAsGiven() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("POST", "/sdapi/v1/txt2img", Self.sdAnswer(TestPictures.png().base64EncodedString()))
        _ = try await generate(sdBackend(server)).get()
        let sent = try #require(server.requests(to: "/sdapi/v1/txt2img").first?.jsonBody)
        #expect((sent["override_settings"] as? [String: Any])?["sd_model_checkpoint"] as? String == "sd15")
        #expect(server.requests(to: "/sdapi/v1/sd-models").count == 1)
    }

    @Test func openAIImagesListsModelsAndTakesOneForAPicture() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("GET", "/v1/models", .json(#"{"object": "list", "data": [{"id": "gpt-image-1"}, {"id": "dall-e-3"}]}"#))
        server.route("POST", "/v1/images/generations", .json(FaultResponse.jsonText(["data": [["b64_json": TestPictures.png().base64EncodedString()]]])))
        #expect(try await openAIBackend(server).modelNames() == ["gpt-image-1", "dall-e-3"])
        let image = try await generate(openAIBackend(server), ImageRequest(prompt: "a fox", model: "dall-e-3")).get()
        #expect(image.parameters.model == "dall-e-3")
        let sent = try #require(server.requests(to: "/v1/images/generations").first?.jsonBody)
        #expect(sent["model"] as? String == "dall-e-3")
        let odd = try FaultServer()
        defer { odd.stop() }
        odd.route("GET", "/v1/models", .json(#"["not", "a", "model list"]"#))
        var listError: Error?
        do { _ = try await openAIBackend(odd).modelNames() } catch { listError = error }
        let error = try #require(listError)
        #expect(error as? ImageError == .notAList(url: OpenAIEndpoint.display(odd.url("/v1/models")), expected: "an OpenAI model list"))
    }

    @Test func openAIImagesSendsTheKeyAndReadsB64JSON() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("POST", "/v1/images/generations", .json(FaultResponse.jsonText(["data": [["b64_json": TestPictures.png().base64EncodedString()]]])))
        let image = try await generate(openAIBackend(server)).get()
        #expect(image.data == TestPictures.png())
        let request = try #require(server.requests(to: "/v1/images/generations").first)
        #expect(request.header("Authorization") == "Bearer \(Self.key)")
        #expect(request.jsonBody?["response_format"] as? String == "b64_json")
    }

    @Test func openAIImagesRejectedKeySaysWhereItCameFrom() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("POST", "/v1/images/generations", .openAIError(status: 401, message: "Incorrect API key provided: \(Self.key)"))
        let error = try #require((await generate(openAIBackend(server))).failure)
        let line = oneLineDescription(of: error)
        #expect(line.contains("IMAGES_KEY") && !line.contains(Self.key), "\(line)")
    }

    @Test func openAIImagesHasNoInitImage() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        let error = try #require((await generate(openAIBackend(server), ImageRequest(prompt: "p", initImage: Data([1])))).failure)
        #expect(error as? ImageError == .unsupported(option: "--init", kind: "openai"))
        #expect(server.requests.isEmpty)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
