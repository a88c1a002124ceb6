import CJPEG
import CPNG
import Foundation

/// Decodes PNG and JPEG through the system's libpng and libjpeg. The header is read and checked
/// against `ImageHeader`'s caps first; the libraries then check the size they find again before
/// the pixel buffer is allocated.
public enum ImageDecoder {
    /// - Parameter what: how errors name the picture ("the server's picture", a file's path).
    public static func decode(_ data: Data, what: String) throws -> RGBImage {
        let header = try ImageHeader.read(data, what: what)
        switch header.format {
        case .png: return try decodePNG(data, what: what)
        case .jpeg: return try decodeJPEG(data, what: what)
        }
    }

    private static func decodePNG(_ data: Data, what: String) throws -> RGBImage {
        var image = png_image()
        image.version = parley_png_version()
        defer { png_image_free(&image) }
        let begun = data.withUnsafeBytes { raw in
            png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        }
        guard begun != 0 else { throw ImageError.damaged(what: what, detail: message(of: image)) }
        let width = Int(image.width)
        let height = Int(image.height)
        guard width <= ImageHeader.maxSide, height <= ImageHeader.maxSide, width * height <= ImageHeader.maxPixels else {
            throw ImageError.tooLarge(what: what, width: width, height: height)
        }
        image.format = parley_png_format_rgb()
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        // Transparent pixels are laid on black (the library's default background).
        let finished = data.withUnsafeBytes { _ in
            pixels.withUnsafeMutableBytes { buffer in
                png_image_finish_read(&image, nil, buffer.baseAddress, Int32(width * 3), nil)
            }
        }
        guard finished != 0 else { throw ImageError.damaged(what: what, detail: message(of: image)) }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    private static func message(of image: png_image) -> String {
        var copy = image.message
        return withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }

    private static func decodeJPEG(_ data: Data, what: String) throws -> RGBImage {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: UInt32 = 0
        var height: UInt32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let result = data.withUnsafeBytes { raw in
            parley_jpeg_decode(
                raw.bindMemory(to: UInt8.self).baseAddress, UInt(raw.count), UInt32(ImageHeader.maxSide),
                UInt(ImageHeader.maxPixels), &pixels, &width, &height, &message, message.count)
        }
        defer { free(pixels) }
        switch result {
        case 0:
            guard let pixels else { throw ImageError.damaged(what: what, detail: "no pixels") }
            let count = Int(width) * Int(height) * 3
            return RGBImage(width: Int(width), height: Int(height), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
        case 1:
            throw ImageError.tooLarge(what: what, width: Int(width), height: Int(height))
        default:
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw ImageError.damaged(what: what, detail: text)
        }
    }
}
