import ArgumentParser
import Foundation
import ParleyCore
import ParleyHTTP
import ParleyImages
import ParleyStore

/// `parley image PROMPT`: makes one picture, saves it under `<storage>/images/` with its sidecar,
/// shows it on stdout's terminal, and prints where it is (or, with `-o`, writes a copy there too).
/// `--list-models` and `--list-loras` print what the server offers instead.
struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image", abstract: "Make a picture with Stable Diffusion WebUI or an OpenAI-compatible images API.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var backendOptions: ImageBackendOptions

    @Argument(help: "What to draw. A LoRA is written <lora:NAME:WEIGHT>.") var prompt: String?
    @Option(name: [.short, .long], help: ArgumentHelp(
        "The checkpoint (SD WebUI: a title, file or short name, or the start of one) or model (OpenAI) for this picture.",
        valueName: "name"))
    var model: String?
    @Flag(name: .customLong("list-models"), help: "Print the checkpoints (SD WebUI) or models (OpenAI) the server has, and draw nothing.")
    var listModels = false
    @Flag(name: .customLong("list-loras"), help: "Print the LoRA names the SD WebUI server has, and draw nothing.")
    var listLoras = false
    @Option(name: [.short, .long], help: ArgumentHelp("Also write the picture to this file.", valueName: "file")) var output: String?
    @Flag(help: "Replace the -o file if it exists.") var force = false
    @Option(help: ArgumentHelp("What the picture should not have.", valueName: "text")) var negative: String?
    @Option(help: ArgumentHelp("Sampling steps (1-150).", valueName: "n")) var steps: Int?
    @Option(help: ArgumentHelp("The seed; the same seed and settings give the same picture.", valueName: "n")) var seed: Int64?
    @Option(help: ArgumentHelp("The size, e.g. 512x768.", valueName: "WxH")) var size: String?
    @Option(help: ArgumentHelp("Start from this picture (img2img).", valueName: "file")) var `init`: String?
    @Option(help: ArgumentHelp("A ControlNet control picture.", valueName: "file")) var control: String?
    @Option(name: .customLong("control-module"), help: ArgumentHelp("The ControlNet preprocessor (canny, depth, ...).", valueName: "name"))
    var controlModule: String?
    @Flag(help: "Print the saved picture's path and parameters as JSON.") var json = false
    @Option(help: ArgumentHelp(
        "How to show the picture: \(PictureDisplay.names) (default: PARLEY_IMAGES, then image_display in the config, then detected; shown only on a terminal unless given).",
        valueName: "mode"))
    var images: String?

    /// The largest picture read from a file for --init or --control.
    static let maxInputFileBytes = 32 << 20

    func validate() throws {
        if listModels || listLoras {
            if listModels && listLoras { throw ValidationError("--list-models and --list-loras go one at a time") }
            if prompt != nil { throw ValidationError("--list-models and --list-loras draw nothing: leave out the prompt") }
            return
        }
        guard let prompt else { throw ValidationError("say what to draw: parley image \"a red fox in the snow\"") }
        if prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("the prompt is empty") }
        if let steps, !(1...150).contains(steps) { throw ValidationError("--steps must be 1 to 150, not \(steps)") }
        if let size, ImageSize(parsing: size) == nil {
            throw ValidationError("--size must be WIDTHxHEIGHT with sides of \(ImageSize.allowedSides.lowerBound) to \(ImageSize.allowedSides.upperBound), not '\(size)'")
        }
        if (control == nil) != (controlModule == nil) { throw ValidationError("--control and --control-module go together") }
        if let images, PictureDisplay(rawValue: images.lowercased()) == nil {
            throw ValidationError("--images must be one of \(PictureDisplay.names), not '\(images)'")
        }
    }

    func run() async throws {
        let context = try AppContext(global: global)
        let backend = try backendOptions.make(context: context)
        if listModels || listLoras {
            try await list(from: backend)
            return
        }
        let prompt = prompt ?? ""
        // The terminal is asked about sixel only when the picture is going to it and nothing else decides.
        let asks = images == nil && context.config.imageDisplay == nil && Console.stdoutIsTerminal && Console.stdinIsTerminal && !json
            && PictureDisplayDetector.worthAsking(environment: context.environment)
        let display = try PictureDisplayDetector.choose(
            flag: images, config: context.config.imageDisplay, environment: context.environment,
            deviceAttributes: asks ? TerminalQuery.deviceAttributes() : nil)
        if let output { try OutputFile.check(output, force: force) }
        var request = ImageRequest(
            prompt: prompt, negativePrompt: negative, steps: steps, seed: seed, size: size.flatMap(ImageSize.init(parsing:)), model: model)
        if let `init` { request.initImage = try Self.readPicture(`init`) }
        if let control, let controlModule { request.control = ControlInput(image: try Self.readPicture(control), module: controlModule) }

        let showsProgress = Console.stderrIsTerminal
        let work = Task { [request] in
            try await backend.generate(request) { progress in
                if showsProgress { Console.progress("drawing… \(Int((progress.fraction * 100).rounded()))%") }
            }
        }
        let interrupt = SignalWatcher(signals: [SIGINT, SIGTERM, SIGHUP]) { work.cancel() }
        let result = await work.result
        interrupt.stop()
        if showsProgress { Console.progress(nil) }
        let image: GeneratedImage
        do {
            image = try result.get()
        } catch is CancellationError {
            Console.status("interrupted; the server was asked to stop, nothing was saved")
            throw ExitCode(130)
        }
        let store = PictureStore(root: context.storageDirectory)
        let name = try store.save(image)
        let path = store.directory.appendingPathComponent(name).path
        if let output { try OutputFile.write(image.data, to: output, force: force) }
        // Asked for by name, the picture is written wherever stdout goes; chosen by default, only
        // to a terminal, and never into --json's machine-readable output.
        if display != .off, images != nil || (Console.stdoutIsTerminal && !json) {
            let pixels = try ImageDecoder.decode(image.data, what: "the saved picture")
            Console.picture(TerminalPicture.render(pixels, as: display, size: Console.terminalSize(), environment: context.environment))
        }
        if json {
            Console.out(try JSONOutput.encode(SavedPictureJSON(path: path, parameters: image.parameters)) + "\n")
        } else {
            Console.out(path + "\n")
        }
    }

    /// `--list-models` / `--list-loras`: a name a line, or a JSON array with `--json`.
    private func list(from backend: any ImageBackend) async throws {
        let names: [String]
        if listLoras {
            guard let server = backend as? SDWebUIBackend else {
                throw ValidationError("--list-loras needs an sdwebui image backend; \(backend.name) is not one")
            }
            names = try await server.loraNames()
        } else {
            names = try await backend.modelNames()
        }
        let clean = names.map { ServerText.clean($0, limit: 200) }
        if json {
            Console.out(try JSONOutput.encode(clean) + "\n")
        } else if !clean.isEmpty {
            Console.out(clean.joined(separator: "\n") + "\n")
        }
        if clean.isEmpty { Console.status("\(backend.name) lists no \(listLoras ? "LoRAs" : "models")") }
    }

    /// A PNG or JPEG from a file, checked (size cap, header caps, decodable) before it is sent.
    static func readPicture(_ path: String) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImageError.unreadableFile(path: path, reason: "no such file, or not readable")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maxInputFileBytes + 1)) ?? Data()
        guard data.count <= maxInputFileBytes else {
            throw ImageError.unreadableFile(path: path, reason: "larger than \(ByteCountText.describe(maxInputFileBytes))")
        }
        _ = try ImageDecoder.decode(data, what: path)
        return data
    }
}

/// `parley image --json`.
struct SavedPictureJSON: Encodable {
    var path: String
    var parameters: ImageParameters
}
