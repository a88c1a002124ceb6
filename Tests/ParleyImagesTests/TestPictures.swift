import Foundation
import ParleyCore
import ParleyImages

/// Small pictures made with libpng in the test, so every byte of a fixture is known.
enum TestPictures {
    static let red = RGB(red: 255, green: 0, blue: 0)
    static let green = RGB(red: 0, green: 255, blue: 0)
    static let blue = RGB(red: 0, green: 0, blue: 255)
    static let white = RGB(red: 255, green: 255, blue: 255)

    /// 2×4: rows red/green, blue/white, green/red, white/blue.
    static let quarters = RGBImage(
        width: 2, height: 4, pixels: [red, green, blue, white, green, red, white, blue].flatMap { [$0.red, $0.green, $0.blue] })

    static func png(_ image: RGBImage = quarters) -> Data { PNGEncoder.encode(image)! }

    /// A PNG signature and IHDR chunk claiming `width`×`height`, with nothing after it.
    static func pngHeader(width: UInt32, height: UInt32) -> Data {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        bytes += Array("IHDR".utf8)
        for value in [width, height] { bytes += [24, 16, 8, 0].map { UInt8((value >> $0) & 0xFF) } }
        bytes += [8, 2, 0, 0, 0, 0, 0, 0, 0]
        return Data(bytes)
    }

    /// A JPEG start, an APP0 segment, then a baseline frame header claiming `width`×`height`.
    static func jpegHeader(width: UInt16, height: UInt16) -> Data {
        var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0]
        bytes += [0xFF, 0xC0, 0, 11, 8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 1, 1, 0x11, 0]
        return Data(bytes)
    }
}
