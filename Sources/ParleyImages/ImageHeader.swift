import Foundation

/// What the first bytes of a file say about a picture: its format and size. Pure, and read before
/// anything is decoded, so a header claiming 50,000×50,000 pixels is refused before a buffer of
/// ten gigabytes is asked for.
public struct ImageHeader: Sendable, Equatable {
    public var format: ImageFormat
    public var width: Int
    public var height: Int

    public init(format: ImageFormat, width: Int, height: Int) {
        self.format = format
        self.width = width
        self.height = height
    }

    /// The longest side Parley decodes; generators make 512 to 2048.
    public static let maxSide = 8192
    /// The most pixels Parley decodes (96 MiB as RGB).
    public static let maxPixels = 32 << 20

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Reads the header of `data`, checking the size against the caps.
    /// - Throws: `ImageError.notAnImage`, `.truncatedHeader` or `.tooLarge`.
    public static func read(_ data: Data, what: String) throws -> ImageHeader {
        let bytes = [UInt8](data.prefix(64 << 10))
        let header: ImageHeader
        if bytes.starts(with: pngSignature) {
            header = try png(bytes, what: what)
        } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            header = try jpeg(bytes, what: what)
        } else {
            throw ImageError.notAnImage(what: what)
        }
        guard header.width > 0, header.height > 0 else { throw ImageError.damaged(what: what, detail: "it claims a size of 0") }
        guard header.width <= maxSide, header.height <= maxSide, header.width * header.height <= maxPixels else {
            throw ImageError.tooLarge(what: what, width: header.width, height: header.height)
        }
        return header
    }

    /// PNG: the first chunk is IHDR, whose data starts with the width and height (big-endian).
    private static func png(_ bytes: [UInt8], what: String) throws -> ImageHeader {
        guard bytes.count >= 24, Array(bytes[12..<16]) == Array("IHDR".utf8) else {
            throw ImageError.damaged(what: what, detail: "the PNG header is cut short")
        }
        return ImageHeader(format: .png, width: bigEndian(bytes, 16, 4), height: bigEndian(bytes, 20, 4))
    }

    /// JPEG: walks the segments up to the first start-of-frame marker, which holds the size.
    private static func jpeg(_ bytes: [UInt8], what: String) throws -> ImageHeader {
        var index = 2
        while index + 4 <= bytes.count {
            guard bytes[index] == 0xFF else { break }
            let marker = bytes[index + 1]
            if marker == 0xFF { index += 1; continue }  // fill byte
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { index += 2; continue }
            let length = bigEndian(bytes, index + 2, 2)
            let isFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isFrame {
                guard index + 9 <= bytes.count else { break }
                return ImageHeader(format: .jpeg, width: bigEndian(bytes, index + 7, 2), height: bigEndian(bytes, index + 5, 2))
            }
            guard length >= 2 else { break }
            index += 2 + length
        }
        throw ImageError.damaged(what: what, detail: "no JPEG frame header in the first 64 KiB")
    }

    private static func bigEndian(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int {
        bytes[start..<start + count].reduce(0) { $0 << 8 | Int($1) }
    }
}
