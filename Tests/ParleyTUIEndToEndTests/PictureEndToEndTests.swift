import Foundation
import ParleyCore
import ParleyImages
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// `/image` in the real chat screen, in tmux, against a scripted SD WebUI that answers with a
/// real PNG: the coloured half-block preview, progress, LoRA completion, Ctrl-C (the server sees
/// the interrupt), `/open`, and the picture again after reopening.
@Suite("Pictures in the chat screen", .heavy, .serialized)
struct PictureEndToEndTests {
    /// 16×4: rows red, blue, green, white, so each of its 16×2 cells is red over blue or green
    /// over white.
    static let png: Data = {
        let rows: [[UInt8]] = [[255, 0, 0], [0, 0, 255], [0, 255, 0], [255, 255, 255]]
        return PNGEncoder.encode(RGBImage(width: 16, height: 4, pixels: rows.flatMap { row in (0..<16).flatMap { _ in row } }))!
    }()

    /// The pane with its colours, as escape sequences (`capture-pane -e`).
    static func coloured(_ screen: TmuxScreen) -> String { screen.screenWithColours() }

    @Test func imageInterruptOpenAndReopen() throws {
        let server = try FaultServer()
        defer { server.stop() }
        let answer = FaultResponse.jsonText([
            "images": [Self.png.base64EncodedString()],
            "info": #"{"seed": 77, "sd_model_name": "sd15-test", "sampler_name": "Euler a", "steps": 9}"#,
        ])
        // The first picture takes 2.5 s (progress is asked once a second); the second never comes.
        server.route("POST", "/sdapi/v1/txt2img", FaultResponse(headers: [("Content-Type", "application/json")], steps: [.pause(2.5), .send(Array(answer.utf8))]), .silent)
        server.route("GET", "/sdapi/v1/progress", .json(#"{"progress": 0.5, "eta_relative": 1.2}"#))
        server.route("POST", "/sdapi/v1/interrupt", .json("{}"))
        server.route("GET", "/sdapi/v1/loras", .json(#"[{"name": "foxStyle", "alias": "fox"}, {"name": "detailer"}]"#))
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["Still ", "here."], delay: 0.02))

        // A desktop opener that only writes down what it was asked to open.
        let tools = try StoreTemporaryDirectory("fake-opener")
        defer { tools.remove() }
        let opened = tools.url.appendingPathComponent("opened.txt")
        let opener = tools.url.appendingPathComponent("xdg-open")
        try ScriptFile.write("#!/bin/sh\nprintf '%s' \"$1\" > '\(opened.path)'\n", to: opener)
        let path = tools.url.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")

        let arguments = [
            "--base-url", server.baseURL.absoluteString, "--model", "m1", "--image-backend", "sdwebui", "--image-url",
            server.url("").absoluteString,
        ]
        let screen = try TmuxScreen(arguments, environment: ["TERM": "xterm-256color", "PATH": path])
        defer { screen.close() }
        #expect(screen.waitFor { $0.contains("Message (Enter sends") }.ok)

        // LoRA names complete from the server's list.
        try screen.type("/image a red fox <lora:fo")
        let listed = Date().addingTimeInterval(10)
        while server.requests(to: "/sdapi/v1/loras").isEmpty && Date() < listed { usleep(50_000) }
        usleep(200_000)
        try screen.press("Tab")
        let completed = screen.waitFor { $0.contains("/image a red fox <lora:foxStyle:1>") }
        #expect(completed.ok, "\(completed.screen)")
        try screen.press("C-u")

        // A size the backend cannot draw is one line, before anything is sent.
        try screen.type("/image a red fox --size 10x10")
        try screen.press("Enter")
        let refused = screen.waitFor { $0.contains("--size must have sides of") && $0.contains("idle") }
        #expect(refused.ok, "\(refused.screen)")
        #expect(server.requests(to: "/sdapi/v1/txt2img").isEmpty)

        // The picture: progress, then the coloured preview under the reply.
        try screen.type("/image a red fox --steps 9 --seed 77")
        try screen.press("Enter")
        let progress = screen.waitFor { $0.contains("drawing 50%") }
        #expect(progress.ok, "\(progress.screen)")
        let drawn = screen.waitFor { $0.contains("Picture: a red fox") && $0.contains("idle") }
        #expect(drawn.ok, "\(drawn.screen)")
        #expect(drawn.screen.contains(String(repeating: "▀", count: 16)), "\(drawn.screen)")
        let colours = Self.coloured(screen)
        // red (196) over blue (21), green (46) over white (231), in xterm's 256 colours.
        for code in ["38;5;196", "48;5;21", "38;5;46", "48;5;231"] {
            #expect(colours.contains(code), "no \(code) in \(colours.debugDescription)")
        }
        let sent = try #require(server.requests(to: "/sdapi/v1/txt2img").first?.jsonBody)
        #expect(sent["prompt"] as? String == "a red fox" && sent["steps"] as? Int == 9 && sent["seed"] as? Int == 77)

        // Saved with its sidecar, and the conversation refers to it.
        let images = screen.storage.appendingPathComponent("images")
        let files = try FileManager.default.contentsOfDirectory(atPath: images.path).sorted()
        let pictureName = try #require(files.first { $0.hasSuffix(".png") })
        #expect(files.count == 2 && files.contains(pictureName.replacingOccurrences(of: ".png", with: ".json")), "\(files)")
        #expect(FileManager.default.contents(atPath: images.appendingPathComponent(pictureName).path) == Self.png)
        let sidecar = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: images.appendingPathComponent(pictureName.replacingOccurrences(of: ".png", with: ".json")))) as? [String: Any])
        #expect(sidecar["seed"] as? Int == 77 && sidecar["model"] as? String == "sd15-test" && sidecar["sampler"] as? String == "Euler a")
        let conversation = try #require(try screen.conversationFiles().first.map {
            try ParleyJSON.decoder().decode(Conversation.self, from: Data(contentsOf: $0))
        })
        #expect(conversation.messages.map(\.picture) == [nil, pictureName])
        #expect(conversation.messages.first?.content == "/image a red fox --steps 9 --seed 77")

        // /open hands the file to the desktop's opener.
        try screen.type("/open")
        try screen.press("Enter")
        #expect(screen.waitFor { $0.contains("opened \(pictureName) with xdg-open") }.ok)
        let openedBy = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: opened.path) && Date() < openedBy { usleep(50_000) }
        #expect((try? String(contentsOf: opened, encoding: .utf8)) == images.appendingPathComponent(pictureName).path)

        // Ctrl-C while the next picture is drawn: the server is told to stop, the chat goes on.
        try screen.type("/image a slow fox")
        try screen.press("Enter")
        let asked = Date().addingTimeInterval(10)
        while server.requests(to: "/sdapi/v1/txt2img").count < 2 && Date() < asked { usleep(50_000) }
        #expect(screen.waitFor { $0.contains("drawing") }.ok)
        try screen.press("C-c")
        let stopped = screen.waitFor { $0.contains("picture interrupted") && $0.contains("idle") }
        #expect(stopped.ok, "\(stopped.screen)")
        let interrupted = Date().addingTimeInterval(10)
        while server.requests(to: "/sdapi/v1/interrupt").isEmpty && Date() < interrupted { usleep(50_000) }
        #expect(server.requests(to: "/sdapi/v1/interrupt").count == 1)
        try screen.type("are you there?")
        try screen.press("Enter")
        let chatted = screen.waitFor { $0.contains("Still here.") && $0.contains("idle") }
        #expect(chatted.ok, "\(chatted.screen)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: images.path).count == 2)

        try screen.press("C-d")
        #expect(screen.exitStatus() == 0)

        // Reopened: the picture is drawn again from the stored file. (This screen has no image
        // backend and no desktop opener: each says so in one line.)
        let again = try TmuxScreen(
            ["--continue", "--base-url", server.baseURL.absoluteString, "--model", "m1"],
            environment: ["TERM": "xterm-256color", "PATH": tools.url.appendingPathComponent("empty").path], sharing: screen)
        defer { again.close() }
        let reopened = again.waitFor { $0.contains("Picture: a red fox") && $0.contains(String(repeating: "▀", count: 16)) }
        #expect(reopened.ok, "\(reopened.screen)")
        let colouredAgain = Self.coloured(again)
        #expect(colouredAgain.contains("38;5;196") && colouredAgain.contains("48;5;21"), "\(colouredAgain.debugDescription)")
        try again.type("/open")
        try again.press("Enter")
        let noOpener = again.waitFor { $0.contains("no desktop opener: xdg-open is not on PATH") }
        #expect(noOpener.ok, "\(noOpener.screen)")
        try again.type("/image another fox")
        try again.press("Enter")
        let noBackend = again.waitFor { $0.contains("no image backend is configured") }
        #expect(noBackend.ok, "\(noBackend.screen)")
        #expect(noBackend.screen.contains("idle"))
        try again.press("C-d")
        #expect(again.exitStatus() == 0)
    }
}
