import CPNG
import Foundation

/// Writes RGB pixels as a PNG through libpng: for pictures Parley makes itself (the test servers'
/// answers, fixtures), never for what a server sent, which is saved as it came.
public enum PNGEncoder {
    public static func encode(_ image: RGBImage) -> Data? {
        var png = png_image()
        png.version = parley_png_version()
        png.width = UInt32(image.width)
        png.height = UInt32(image.height)
        png.format = parley_png_format_rgb()
        defer { png_image_free(&png) }
        var size = 0
        let stride = Int32(image.width * 3)
        // First call measures, the second writes.
        guard image.pixels.withUnsafeBytes({ png_image_write_to_memory(&png, nil, &size, 0, $0.baseAddress, stride, nil) }) != 0
        else { return nil }
        var data = Data(count: size)
        let written = data.withUnsafeMutableBytes { out in
            image.pixels.withUnsafeBytes { png_image_write_to_memory(&png, out.baseAddress, &size, 0, $0.baseAddress, stride, nil) }
        }
        guard written != 0 else { return nil }
        return data.prefix(size)
    }
}
