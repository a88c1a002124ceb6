import Foundation
import ParleyImages
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// `parley image` showing the picture it saved, on a terminal or where `--images` says.
@Suite(.heavy, .timeLimit(.minutes(10)))
struct ImageDisplayCommandTests {
    /// 2×2: red, green over blue, white: one row of two half-block cells.
    static let png = PNGEncoder.encode(RGBImage(width: 2, height: 2, pixels: [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]))!
    static let cells = "\u{1B}[38;2;255;0;0;48;2;0;0;255m▀\u{1B}[38;2;0;255;0;48;2;255;255;255m▀\u{1B}[0m"

    /// The primary device attributes query (DA1) parley sends a terminal that may take sixel.
    static let deviceAttributesQuery = "\u{1B}[c"

    /// With the DA1 query taken out of stdout (`asked` says whether it was there: nothing answers
    /// it under script(1), so half blocks follow).
    func run(_ extra: [String], environment: [String: String] = [:], viaTerminal: Bool) async throws -> (ParleyRunner.Result, String, requests: Int) {
        try await runAsking(extra, environment: environment, viaTerminal: viaTerminal).result
    }

    func runAsking(
        _ extra: [String], environment: [String: String] = [:], viaTerminal: Bool
    ) async throws -> (result: (ParleyRunner.Result, String, requests: Int), asked: Bool) {
        let server = try FaultServer()
        defer { server.stop() }
        server.route("POST", "/sdapi/v1/txt2img", .json(FaultResponse.jsonText(["images": [Self.png.base64EncodedString()]])))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        var result = try await runner.run(
            ["image", "a fox", "--image-backend", "sdwebui", "--base-url", server.url("").absoluteString] + extra,
            extraEnvironment: environment, viaTerminal: viaTerminal)
        // Under script(1) stderr shares the terminal: drop the progress line's clearing.
        result.stdout = result.stdout.replacingOccurrences(of: "\r\u{1B}[K", with: "")
        let asked = result.stdout.hasPrefix(Self.deviceAttributesQuery)
        if asked { result.stdout.removeFirst(Self.deviceAttributesQuery.count) }
        return ((result, runner.storage.appendingPathComponent("images").path, server.requests(to: "/sdapi/v1/txt2img").count), asked)
    }

    @Test func aTerminalGetsATrueColourHalfBlockPreviewThenThePath() async throws {
        let ((result, directory, _), asked) = try await runAsking(
            [], environment: ["TERM": "xterm-256color", "COLORTERM": "truecolor"], viaTerminal: true)
        #expect(asked, "the terminal was not asked whether it takes sixel")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(whereSeparator: \.isNewline)
        #expect(lines.count == 2 && lines.first.map(String.init) == Self.cells, "\(result.stdout.debugDescription)")
        #expect(lines.last?.hasPrefix(directory) == true)
    }

    @Test func withoutTrueColourTheNearest256AreUsed() async throws {
        let (result, _, _) = try await run([], environment: ["TERM": "xterm-256color"], viaTerminal: true)
        #expect(result.stdout.hasPrefix("\u{1B}[38;5;196;48;5;21m▀\u{1B}[38;5;46;48;5;231m▀\u{1B}[0m"), "\(result.stdout.debugDescription)")
    }

    @Test func offOrAPipeShowsNothing() async throws {
        let (off, _, _) = try await run([], environment: ["TERM": "xterm-256color", "PARLEY_IMAGES": "off"], viaTerminal: true)
        let (piped, _, _) = try await run([], environment: ["TERM": "xterm-256color"], viaTerminal: false)
        for result in [off, piped] {
            #expect(result.status == 0 && !result.stdout.contains("▀") && !result.stdout.contains("\u{1B}[38") && result.stdout.split(separator: "\n").count == 1, "\(result.stdout.debugDescription)")
        }
    }

    @Test func kittyNamedOnTheCommandLineCarriesThePicture() async throws {
        let (result, _, _) = try await run(["--images", "kitty"], viaTerminal: false)
        #expect(result.status == 0, "\(result.stderr)")
        let start = try #require(result.stdout.range(of: "\u{1B}_Ga=T,f=100,q=2,c=2,m=0;"))
        let end = try #require(result.stdout.range(of: "\u{1B}\\", range: start.upperBound..<result.stdout.endIndex))
        let png = try #require(Data(base64Encoded: String(result.stdout[start.upperBound..<end.lowerBound])))
        #expect(try ImageDecoder.decode(png, what: "kitty") == ImageDecoder.decode(Self.png, what: "sent"))
    }

    @Test func sixelNamedOnTheCommandLineIsThePictureInSixels() async throws {
        let (result, _, _) = try await run(["--images", "sixel"], viaTerminal: false)
        #expect(result.status == 0, "\(result.stderr)")
        // Red, green over blue, white in two cells of (without a terminal to say) 10×20 pixels:
        // enlarged to 20×20, four palette entries, four bands.
        let palette = "#0;2;100;0;0#1;2;0;100;0#2;2;0;0;100#3;2;100;100;100"
        let bands = "#0!10~$#1!10?!10~-#0!10N$#1!10?!10N$#2!10o$#3!10?!10o-#2!10~$#3!10?!10~-#2!10B$#3!10?!10B"
        #expect(result.stdout.hasPrefix("\u{1B}P0;1;0q\"1;1;20;20" + palette + bands + "\u{1B}\\\n"), "\(result.stdout.debugDescription)")
    }

    @Test func anUnknownModeIsOneLine() async throws {
        let (flag, _, _) = try await run(["--images", "png"], viaTerminal: false)
        let (environment, _, requests) = try await run([], environment: ["PARLEY_IMAGES": "ascii"], viaTerminal: false)
        #expect(flag.status != 0 && flag.stderr.contains("--images must be one of halfblock|kitty|iterm|sixel|off"), "\(flag.stderr)")
        #expect(environment.status == 1 && environment.stderr == "parley: PARLEY_IMAGES must be one of halfblock|kitty|iterm|sixel|off, not 'ascii'\n")
        // The mode is checked before anything is asked of the server.
        #expect(requests == 0)
    }
}
