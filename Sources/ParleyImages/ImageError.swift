import Foundation
import ParleyCore
import ParleyHTTP

/// What can be wrong with a picture or with a generator's answer, each as one line.
public enum ImageError: UserFacingError, Equatable {
    /// The bytes start like neither a PNG nor a JPEG.
    case notAnImage(what: String)
    case damaged(what: String, detail: String)
    case tooLarge(what: String, width: Int, height: Int)
    /// A server's base64 field does not decode.
    case malformedBase64(url: String)
    /// A 200 answer without a picture in it.
    case noImage(url: String, detail: String)
    /// ControlNet was asked for, and the server has no ControlNet extension.
    case controlNetMissing(url: String)
    /// An option the backend's API has no field for (`--init` with an OpenAI images server).
    case unsupported(option: String, kind: String)
    case unreadableFile(path: String, reason: String)
    case saveFailed(path: String, reason: String)
    /// A list was asked for (models, checkpoints, LoRAs) and the answer is not one.
    case notAList(url: String, expected: String)
    /// A checkpoint name that fits none of those the server lists (`GET /sdapi/v1/sd-models`).
    case unknownCheckpoint(name: String, available: [String])
    /// A checkpoint name that fits several of them.
    case ambiguousCheckpoint(name: String, matches: [String])

    public var description: String {
        switch self {
        case .notAnImage(let what):
            return "\(what) is not a PNG or JPEG picture"
        case .damaged(let what, let detail):
            return "\(what) is a damaged picture: \(ServerText.clean(detail, limit: 160))"
        case .tooLarge(let what, let width, let height):
            return "\(what) claims \(width)×\(height) pixels, more than Parley decodes (at most \(ImageHeader.maxSide) a side and \(ImageHeader.maxPixels >> 20) megapixels)"
        case .malformedBase64(let url):
            return "\(url) sent a picture whose base64 text does not decode; nothing was saved"
        case .noImage(let url, let detail):
            return "\(url) answered without a picture (\(ServerText.clean(detail, limit: 160))); check the base URL and the backend kind"
        case .controlNetMissing(let url):
            return "\(url) has no ControlNet (GET /controlnet/model_list did not answer); install the extension or leave out --control"
        case .unsupported(let option, let kind):
            return "\(option) is not supported by \(kind) image backends; use an sdwebui backend for it"
        case .unreadableFile(let path, let reason):
            return "cannot read \(ServerText.clean(path, limit: 160)): \(reason)"
        case .saveFailed(let path, let reason):
            return "cannot save the picture to \(ServerText.clean(path, limit: 160)): \(reason); nothing was kept"
        case .notAList(let url, let expected):
            return "\(url) did not answer with \(expected)"
        case .unknownCheckpoint(let name, let available):
            let has = available.isEmpty ? "it lists none" : "it has " + ImageError.list(available)
            return "the image server has no checkpoint '\(ServerText.clean(name, limit: 80))' (\(has))"
        case .ambiguousCheckpoint(let name, let matches):
            return "'\(ServerText.clean(name, limit: 80))' fits several of the image server's checkpoints: \(ImageError.list(matches))"
        }
    }

    /// Names from a server, cleaned, at most eight of them.
    private static func list(_ names: [String]) -> String {
        let shown = names.prefix(8).map { ServerText.clean($0, limit: 80) }.joined(separator: ", ")
        return names.count > 8 ? shown + ", … (\(names.count) in all)" : shown
    }
}
