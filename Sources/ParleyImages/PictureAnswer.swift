import Foundation
import ParleyHTTP

/// Reads the pictures out of a generator's JSON answer. Pure; everything a server sends is
/// checked: the base64 must decode, the bytes must be a PNG or JPEG within the size caps, and the
/// whole picture must decode, so that nothing broken is ever saved.
public enum PictureAnswer {
    /// The bytes of a base64 picture (a `data:image/png;base64,` prefix is allowed), checked.
    public static func picture(fromBase64 text: String, url: String) throws -> (data: Data, header: ImageHeader) {
        var text = Substring(text)
        if text.hasPrefix("data:"), let comma = text.firstIndex(of: ",") { text = text[text.index(after: comma)...] }
        guard let data = Data(base64Encoded: String(text), options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw ImageError.malformedBase64(url: url)
        }
        let what = "the picture from \(url)"
        let header = try ImageHeader.read(data, what: what)
        _ = try ImageDecoder.decode(data, what: what)
        return (data, header)
    }

    /// The JSON object of an answer, or `noImage` naming what came instead.
    static func object(_ body: Data, url: String) throws -> [String: Any] {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            let start = String(decoding: body.prefix(80), as: UTF8.self)
            throw ImageError.noImage(url: url, detail: "not JSON: \(start)")
        }
        return object
    }

    /// SD WebUI: `images[0]`, with the seed, model and sampler from `info` (a JSON string).
    public static func sdwebui(_ body: Data, url: String) throws -> (data: Data, header: ImageHeader, info: [String: Any]) {
        let object = try object(body, url: url)
        guard let images = object["images"] as? [Any], let first = images.first as? String else {
            throw ImageError.noImage(url: url, detail: "no \"images\" list")
        }
        let picture = try picture(fromBase64: first, url: url)
        var info: [String: Any] = [:]
        if let text = object["info"] as? String, let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
            info = parsed
        }
        return (picture.data, picture.header, info)
    }

    /// OpenAI: `data[0].b64_json`.
    public static func openAI(_ body: Data, url: String) throws -> (data: Data, header: ImageHeader) {
        let object = try object(body, url: url)
        guard let items = object["data"] as? [Any], let first = items.first as? [String: Any] else {
            throw ImageError.noImage(url: url, detail: "no \"data\" list")
        }
        guard let text = first["b64_json"] as? String else {
            throw ImageError.noImage(url: url, detail: "no b64_json field (a URL answer is not fetched)")
        }
        return try picture(fromBase64: text, url: url)
    }
}
