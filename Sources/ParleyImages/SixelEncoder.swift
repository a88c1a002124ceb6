import ParleyCore

/// Sixel output, made here from decoded pixels: the colours are reduced to a palette by median
/// cut, then written six pixel rows a band, one pass per colour, with runs compressed. Only
/// digits, the palette's numbers and sixel characters (`?`...`~`) go out between the DCS and ST.
public enum SixelEncoder {
    /// The most colours a sixel picture gets (what xterm and foot offer).
    public static let maxColors = 256

    /// A palette of at most `maxColors` colours and each pixel's index into it. With few enough
    /// colours the palette is exact (in order of first appearance); otherwise the colour box with
    /// the widest channel is split at its pixel-weighted median until there are `maxColors` boxes,
    /// and each box's colour is its pixels' mean.
    public static func quantise(_ image: RGBImage, maxColors: Int = SixelEncoder.maxColors) -> (palette: [RGB], indices: [Int]) {
        let limit = max(1, maxColors)
        var order: [UInt32] = []
        var counts: [UInt32: Int] = [:]
        var packed = [UInt32](repeating: 0, count: image.width * image.height)
        for index in 0..<packed.count {
            let base = index * 3
            let key = UInt32(image.pixels[base]) << 16 | UInt32(image.pixels[base + 1]) << 8 | UInt32(image.pixels[base + 2])
            packed[index] = key
            if counts[key] == nil { order.append(key) }
            counts[key, default: 0] += 1
        }
        var boxes: [[UInt32]] = order.count <= limit ? order.map { [$0] } : [order]
        if order.count > limit {
            while boxes.count < limit {
                // The box whose widest channel is widest (the first such box on a tie).
                var best: (box: Int, channel: Int, range: Int)?
                for (index, box) in boxes.enumerated() where box.count > 1 {
                    for channel in 0..<3 {
                        let values = box.map { Int(($0 >> UInt32(16 - 8 * channel)) & 0xFF) }
                        let range = values.max()! - values.min()!
                        if range > (best?.range ?? 0) { best = (index, channel, range) }
                    }
                }
                guard let best else { break }
                let shift = UInt32(16 - 8 * best.channel)
                let sorted = boxes[best.box].sorted { (($0 >> shift) & 0xFF, $0) < (($1 >> shift) & 0xFF, $1) }
                let total = sorted.reduce(0) { $0 + counts[$1]! }
                var seen = 0
                var cut = 1
                for (index, key) in sorted.enumerated() {
                    seen += counts[key]!
                    if seen * 2 >= total {
                        cut = index + 1
                        break
                    }
                }
                cut = min(max(1, cut), sorted.count - 1)
                boxes[best.box] = Array(sorted[..<cut])
                boxes.insert(Array(sorted[cut...]), at: best.box + 1)
            }
        }
        var palette: [RGB] = []
        var slot: [UInt32: Int] = [:]
        for (index, box) in boxes.enumerated() {
            var sums = (0, 0, 0)
            var count = 0
            for key in box {
                let n = counts[key]!
                sums.0 += Int((key >> 16) & 0xFF) * n
                sums.1 += Int((key >> 8) & 0xFF) * n
                sums.2 += Int(key & 0xFF) * n
                count += n
                slot[key] = index
            }
            palette.append(RGB(
                red: UInt8((sums.0 + count / 2) / count), green: UInt8((sums.1 + count / 2) / count), blue: UInt8((sums.2 + count / 2) / count)))
        }
        return (palette, packed.map { slot[$0]! })
    }

    /// The picture as a sixel sequence (DCS … ST), pixel for pixel: scale it first (`fitted`).
    public static func encode(_ image: RGBImage, maxColors: Int = SixelEncoder.maxColors) -> String {
        let (palette, indices) = quantise(image, maxColors: maxColors)
        // P2 = 1: pixels no colour sets stay as they were; raster attributes: square pixels.
        var out = "\u{1B}P0;1;0q\"1;1;\(image.width);\(image.height)"
        for (index, color) in palette.enumerated() {
            out += "#\(index);2;\(percent(color.red));\(percent(color.green));\(percent(color.blue))"
        }
        let bands = (image.height + 5) / 6
        for band in 0..<bands {
            let top = band * 6
            let rows = min(6, image.height - top)
            var used = Set<Int>()
            for y in top..<(top + rows) {
                for x in 0..<image.width { used.insert(indices[y * image.width + x]) }
            }
            let colors = used.sorted()
            for (position, color) in colors.enumerated() {
                var line: [UInt8] = []
                line.reserveCapacity(image.width)
                for x in 0..<image.width {
                    var bits: UInt8 = 0
                    for row in 0..<rows where indices[(top + row) * image.width + x] == color { bits |= 1 << UInt8(row) }
                    line.append(63 + bits)
                }
                while line.last == 63 { line.removeLast() }
                out += "#\(color)" + runs(line)
                if position < colors.count - 1 { out += "$" }
            }
            if band < bands - 1 { out += "-" }
        }
        return out + "\u{1B}\\"
    }

    /// The picture scaled to fill `maxWidth` × `maxHeight` pixels with its shape kept: shrunk by
    /// box averages, enlarged by repeating pixels (the cells it covers are what a half-block or
    /// kitty picture of the same place covers, so a small picture is not left smaller).
    public static func fitted(_ image: RGBImage, maxWidth: Int, maxHeight: Int) -> RGBImage {
        let scale = min(Double(max(1, maxWidth)) / Double(max(1, image.width)), Double(max(1, maxHeight)) / Double(max(1, image.height)))
        let width = min(max(1, maxWidth), max(1, Int((Double(image.width) * scale).rounded())))
        let height = min(max(1, maxHeight), max(1, Int((Double(image.height) * scale).rounded())))
        if width <= image.width && height <= image.height {
            return HalfBlockRasteriser.boxAverage(image, toWidth: width, height: height)
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let sourceY = min(image.height - 1, y * image.height / height)
            for x in 0..<width {
                let sourceX = min(image.width - 1, x * image.width / width)
                let from = (sourceY * image.width + sourceX) * 3
                let to = (y * width + x) * 3
                pixels[to] = image.pixels[from]
                pixels[to + 1] = image.pixels[from + 1]
                pixels[to + 2] = image.pixels[from + 2]
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// 0-255 as sixel's 0-100.
    static func percent(_ channel: UInt8) -> Int { (Int(channel) * 100 + 127) / 255 }

    /// Sixel characters with runs of four or more written `!COUNT` and the character.
    static func runs(_ line: [UInt8]) -> String {
        var out = ""
        var index = 0
        while index < line.count {
            var end = index + 1
            while end < line.count && line[end] == line[index] { end += 1 }
            let character = String(UnicodeScalar(line[index]))
            out += end - index >= 4 ? "!\(end - index)" + character : String(repeating: character, count: end - index)
            index = end
        }
        return out
    }
}
