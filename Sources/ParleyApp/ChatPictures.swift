import ArgumentParser
import Foundation
import ParleyCore
import ParleyHTTP
import ParleyImages
import ParleyTUI

/// The chat's picture options: which image backend `/image` uses and how pictures are shown.
struct ChatImageOptions: ParsableArguments {
    @Option(name: .customLong("image-backend"), help: ArgumentHelp(
        "For /image: an [images.NAME] table, or a kind (sdwebui, openai) used with --image-url.", valueName: "name"))
    var imageBackend: String?

    @Option(name: .customLong("image-url"), help: ArgumentHelp("For /image: the image server's URL (SD WebUI: http://127.0.0.1:7860).", valueName: "url"))
    var imageURL: String?

    @Option(help: ArgumentHelp(
        "How pictures are shown: \(PictureDisplay.names) (default: PARLEY_IMAGES, then image_display in the config, then detected).",
        valueName: "mode"))
    var images: String?

    func validate() throws {
        if let images, PictureDisplay(rawValue: images.lowercased()) == nil {
            throw ValidationError("--images must be one of \(PictureDisplay.names), not '\(images)'")
        }
    }

    /// The image backend `/image` uses, or why there is none (said when `/image` is typed, so a
    /// chat without pictures never minds).
    func backend(context: AppContext) -> Result<any ImageBackend, Error> {
        Result {
            var arguments: [String] = []
            if let imageBackend { arguments += ["--image-backend", imageBackend] }
            if let imageURL { arguments += ["--base-url", imageURL] }
            do {
                return try ImageBackendOptions.parse(arguments).make(context: context)
            } catch let error as ValidationError {
                throw ChatImageError(text: error.message.replacingOccurrences(of: "--base-url", with: "--image-url"))
            }
        }
    }
}

struct ChatImageError: Error, CustomStringConvertible {
    var text: String
    var description: String { "/image: " + text }
}

/// `/image` in the chat: the typed order as a backend request, and the reply that holds the picture.
enum ChatPictures {
    /// The request for an order; `--init` and `--control` files are read and checked here.
    static func request(for order: PictureOrder) throws -> ImageRequest {
        var size: ImageSize?
        if let text = order.size {
            guard let parsed = ImageSize(parsing: text) else {
                throw ChatImageError(
                    text: "--size must have sides of \(ImageSize.allowedSides.lowerBound) to \(ImageSize.allowedSides.upperBound), not '\(text)'")
            }
            size = parsed
        }
        var request = ImageRequest(
            prompt: order.prompt, negativePrompt: order.negative, steps: order.steps, seed: order.seed, size: size, model: order.model)
        if let path = order.initFile { request.initImage = try ImageCommand.readPicture(NSString(string: path).expandingTildeInPath) }
        if let path = order.controlFile, let module = order.controlModule {
            request.control = ControlInput(image: try ImageCommand.readPicture(NSString(string: path).expandingTildeInPath), module: module)
        }
        return request
    }

    /// The reply's text: the prompt, then how the picture was made (what the server said of its
    /// model and sampler is cleaned and shortened first).
    static func caption(_ parameters: ImageParameters) -> String {
        var facts: [String] = []
        if let seed = parameters.seed { facts.append("seed \(seed)") }
        facts.append("\(parameters.width)×\(parameters.height)")
        if let steps = parameters.steps { facts.append("\(steps) steps") }
        if let sampler = parameters.sampler { facts.append(ServerText.clean(sampler, limit: 40)) }
        if let model = parameters.model { facts.append(ServerText.clean(model, limit: 60)) }
        facts.append(ServerText.clean(parameters.backend, limit: 40))
        return "Picture: " + parameters.prompt + "\n" + facts.joined(separator: " · ")
    }
}
