import Foundation
import ParleyImages
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// `parley image` against a scripted SD WebUI that answers with a real PNG.
@Suite(.heavy, .timeLimit(.minutes(10)))
struct ImageCommandTests {
    static let png = PNGEncoder.encode(RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 200, count: 12)))!

    static func answer(_ picture: String) -> FaultResponse {
        .json(FaultResponse.jsonText(["images": [picture], "info": #"{"seed": 77, "sd_model_name": "sd15", "sampler_name": "Euler a"}"#]))
    }

    func savedFiles(_ runner: ParleyRunner) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: runner.storage.appendingPathComponent("images").path)) ?? []).sorted()
    }

    @Test func aPictureIsSavedWithItsSidecarAndCopiedToDashO() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("POST", "/sdapi/v1/txt2img", Self.answer(Self.png.base64EncodedString()))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let copy = runner.home.url.appendingPathComponent("fox.png").path
        let result = try await runner.run([
            "image", "a fox", "--image-backend", "sdwebui", "--base-url", server.url("").absoluteString, "--steps", "9",
            "--seed", "77", "--size", "512x768", "-o", copy, "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let printed = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let path = try #require(printed["path"] as? String)
        #expect(FileManager.default.contents(atPath: path) == Self.png)
        #expect(FileManager.default.contents(atPath: copy) == Self.png)
        #expect((printed["parameters"] as? [String: Any])?["seed"] as? Int == 77)
        let files = savedFiles(runner)
        #expect(files.count == 2 && files.contains { $0.hasSuffix(".json") } && files.contains { $0.hasSuffix(".png") }, "\(files)")
        let sent = try #require(server.requests(to: "/sdapi/v1/txt2img").first?.jsonBody)
        #expect(sent["steps"] as? Int == 9 && sent["width"] as? Int == 512 && sent["height"] as? Int == 768)
    }

    @Test(arguments: [
        ("!!!", "does not decode"),
        (Data("not a png".utf8).base64EncodedString(), "is not a PNG or JPEG"),
    ])
    func aBadAnswerIsOneLineAndNothingIsKept(picture: String, expected: String) async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("POST", "/sdapi/v1/txt2img", Self.answer(picture))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try await runner.run(["image", "a fox", "--image-backend", "sdwebui", "--base-url", server.url("").absoluteString])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && result.stderr.contains(expected), "\(result.stderr)")
        #expect(savedFiles(runner).isEmpty)
    }

    @Test func ctrlCSendsTheInterruptAndKeepsNothing() throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("POST", "/sdapi/v1/txt2img", .silent)
        server.route("POST", "/sdapi/v1/interrupt", .json("{}"))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let running = try runner.start(["image", "a fox", "--image-backend", "sdwebui", "--base-url", server.url("").absoluteString])
        let deadline = Date().addingTimeInterval(20)
        while server.requests(to: "/sdapi/v1/txt2img").isEmpty && Date() < deadline { usleep(20_000) }
        running.signal(SIGINT)
        let result = running.finish()
        #expect(result.status == 130, "\(result.stderr)")
        #expect(server.requests(to: "/sdapi/v1/interrupt").count == 1)
        #expect(savedFiles(runner).isEmpty)
    }

    @Test func noBackendSaysHowToChooseOne() async throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try await runner.run(["image", "a fox"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("[images.NAME]"), "\(result.stderr)")
    }

    @Test func modelsAndLorasAreListedAndAModelIsChosenByAnyOfItsNames() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("GET", "/sdapi/v1/sd-models", .json(#"[{"title": "v1-5-pruned.safetensors [6ce0]", "model_name": "v1-5-pruned"}, {"title": "sdxl.safetensors [31e3]", "model_name": "sdxl"}]"#))
        server.route("GET", "/sdapi/v1/loras", .json(#"[{"name": "ink"}, {"name": "pixel\u001b[31m"}]"#))
        server.route("POST", "/sdapi/v1/txt2img", Self.answer(Self.png.base64EncodedString()))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let backend = ["--image-backend", "sdwebui", "--base-url", server.url("").absoluteString]
        let models = try await runner.run(["image", "--list-models"] + backend)
        #expect(models.status == 0 && models.stdout == "v1-5-pruned.safetensors [6ce0]\nsdxl.safetensors [31e3]\n", "\(models.stderr)")
        let loras = try await runner.run(["image", "--list-loras", "--json"] + backend)
        let names = try JSONSerialization.jsonObject(with: Data(loras.stdout.utf8)) as? [String]
        #expect(names?.count == 2 && names?.first == "ink" && names?.last?.contains("\u{1B}") == false, "\(loras.stdout)")

        let drawn = try await runner.run(["image", "a fox", "-m", "SDXL"] + backend)
        #expect(drawn.status == 0, "\(drawn.stderr)")
        let sent = try #require(server.requests(to: "/sdapi/v1/txt2img").first?.jsonBody)
        #expect((sent["override_settings"] as? [String: Any])?["sd_model_checkpoint"] as? String == "sdxl.safetensors [31e3]")

        let unknown = try await runner.run(["image", "a fox", "--model", "flux"] + backend)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.split(separator: "\n").count == 1 && unknown.stderr.contains("no checkpoint 'flux'"), "\(unknown.stderr)")
        #expect(server.requests(to: "/sdapi/v1/txt2img").count == 1)
    }

    @Test(arguments: [
        (["image", "--list-models", "a fox"], "leave out the prompt"),
        (["image", "--list-models", "--list-loras"], "one at a time"),
        (["image"], "say what to draw"),
        (["image", "--list-loras", "--image-backend", "openai", "--base-url", "http://127.0.0.1:9"], "needs an sdwebui image backend"),
    ])
    func listingTakesNoPromptAndLorasNeedSDWebUI(arguments: [String], expected: String) async throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try await runner.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
    }
}
