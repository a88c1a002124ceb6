import ParleyCore

/// Sixel output, made here from decoded pixels: the colours are reduced to a palette by median
/// cut, then written six pixel rows a band, one pass per colour, with runs compressed. Only
/// digits, the palette's numbers and sixel characters (`?`...`~`) go out between the DCS and ST.
public enum SixelEncoder {
    /// The most colours a sixel picture gets (what xterm and foot offer).
    public static let maxColors = 256

    /// A palette of at most `maxColors` colours and each pixel's index into it. With few enough
    /// colours the palette is exact (in order of first appearance). Otherwise colours are counted
    /// in a 15-bit histogram (5 bits a channel), the box of histogram cells with the widest channel
    /// is split at its pixel-weighted median until there are `maxColors` boxes, and each box's
    /// colour is the mean of its pixels at full precision.
    public static func quantise(_ image: RGBImage, maxColors: Int = SixelEncoder.maxColors) -> (palette: [RGB], indices: [Int]) {
        let limit = max(1, maxColors)
        let count = image.width * image.height
        let pixels = image.pixels
        if let exact = exactPalette(image, limit: limit) { return exact }
        var counts = [Int](repeating: 0, count: 1 << 15)
        var sums = [Int](repeating: 0, count: 3 << 15)
        var bins = [Int](repeating: 0, count: count)
        for index in 0..<count {
            let (r, g, b) = (Int(pixels[3 * index]), Int(pixels[3 * index + 1]), Int(pixels[3 * index + 2]))
            let bin = (r >> 3) << 10 | (g >> 3) << 5 | (b >> 3)
            bins[index] = bin
            counts[bin] += 1
            sums[3 * bin] += r
            sums[3 * bin + 1] += g
            sums[3 * bin + 2] += b
        }
        var boxes = [ColorBox((0..<(1 << 15)).filter { counts[$0] > 0 })]
        while boxes.count < limit {
            // The box whose widest channel is widest (the first such box on a tie).
            var chosen: Int?
            for index in boxes.indices where boxes[index].range > 0 && boxes[index].range > (chosen.map { boxes[$0].range } ?? 0) {
                chosen = index
            }
            guard let chosen else { break }
            let shift = 10 - 5 * boxes[chosen].channel
            let sorted = boxes[chosen].bins.sorted { (($0 >> shift) & 31, $0) < (($1 >> shift) & 31, $1) }
            let total = sorted.reduce(0) { $0 + counts[$1] }
            var seen = 0
            var cut = 1
            for (index, bin) in sorted.enumerated() {
                seen += counts[bin]
                if seen * 2 >= total {
                    cut = index + 1
                    break
                }
            }
            cut = min(max(1, cut), sorted.count - 1)
            boxes[chosen] = ColorBox(Array(sorted[..<cut]))
            boxes.insert(ColorBox(Array(sorted[cut...])), at: chosen + 1)
        }
        var palette: [RGB] = []
        var slot = [Int](repeating: 0, count: 1 << 15)
        for (index, box) in boxes.enumerated() {
            var total = (0, 0, 0, 0)
            for bin in box.bins {
                total = (total.0 + sums[3 * bin], total.1 + sums[3 * bin + 1], total.2 + sums[3 * bin + 2], total.3 + counts[bin])
                slot[bin] = index
            }
            let n = total.3
            palette.append(RGB(red: UInt8((total.0 + n / 2) / n), green: UInt8((total.1 + n / 2) / n), blue: UInt8((total.2 + n / 2) / n)))
        }
        return (palette, bins.map { slot[$0] })
    }

    /// The picture's own colours when there are at most `limit` of them, else nil (found out as
    /// soon as one colour too many turns up).
    static func exactPalette(_ image: RGBImage, limit: Int) -> (palette: [RGB], indices: [Int])? {
        var slot: [UInt32: Int] = [:]
        var palette: [RGB] = []
        var indices = [Int](repeating: 0, count: image.width * image.height)
        for index in indices.indices {
            let (r, g, b) = (image.pixels[3 * index], image.pixels[3 * index + 1], image.pixels[3 * index + 2])
            let key = UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
            if let known = slot[key] {
                indices[index] = known
                continue
            }
            guard palette.count < limit else { return nil }
            slot[key] = palette.count
            indices[index] = palette.count
            palette.append(RGB(red: r, green: g, blue: b))
        }
        return (palette, indices)
    }

    /// The picture as a sixel sequence (DCS … ST), pixel for pixel: scale it first (`fitted`).
    public static func encode(_ image: RGBImage, maxColors: Int = SixelEncoder.maxColors) -> String {
        let (palette, indices) = quantise(image, maxColors: maxColors)
        // P2 = 1: pixels no colour sets stay as they were; raster attributes: square pixels.
        var header = "\u{1B}P0;1;0q\"1;1;\(image.width);\(image.height)"
        for (index, color) in palette.enumerated() {
            header += "#\(index);2;\(percent(color.red));\(percent(color.green));\(percent(color.blue))"
        }
        var out = Array(header.utf8)
        let width = image.width
        let bands = (image.height + 5) / 6
        // One band's sixels per colour, filled in one pass over its pixels.
        var planes = [UInt8](repeating: 0, count: palette.count * width)
        var used = [Bool](repeating: false, count: palette.count)
        for band in 0..<bands {
            let top = band * 6
            let rows = min(6, image.height - top)
            for row in 0..<rows {
                let bit = UInt8(1) << UInt8(row)
                let base = (top + row) * width
                for x in 0..<width {
                    let color = indices[base + x]
                    planes[color * width + x] |= bit
                    used[color] = true
                }
            }
            let colors = used.indices.filter { used[$0] }
            for (position, color) in colors.enumerated() {
                let start = color * width
                var end = start + width
                while end > start && planes[end - 1] == 0 { end -= 1 }
                out += Array("#\(color)".utf8)
                appendRuns(planes[start..<end], to: &out)
                if position < colors.count - 1 { out.append(UInt8(ascii: "$")) }
                for x in start..<(start + width) { planes[x] = 0 }
                used[color] = false
            }
            if band < bands - 1 { out.append(UInt8(ascii: "-")) }
        }
        out += [0x1B, UInt8(ascii: "\\")]
        return String(decoding: out, as: UTF8.self)
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

    /// Six-bit columns as sixel characters (`?` + bits), runs of four or more written `!COUNT` and
    /// the character.
    static func appendRuns(_ line: ArraySlice<UInt8>, to out: inout [UInt8]) {
        var index = line.startIndex
        while index < line.endIndex {
            var end = index + 1
            while end < line.endIndex && line[end] == line[index] { end += 1 }
            let character = 63 + line[index]
            if end - index >= 4 {
                out.append(UInt8(ascii: "!"))
                out += Array(String(end - index).utf8)
                out.append(character)
            } else {
                out += repeatElement(character, count: end - index)
            }
            index = end
        }
    }

    /// Histogram cells (5 bits a channel) of one median-cut box, with its widest channel (0 red,
    /// 1 green, 2 blue) and that channel's range, worked out once when the box is made.
    struct ColorBox {
        var bins: [Int]
        var channel = 0
        var range = 0

        init(_ bins: [Int]) {
            self.bins = bins
            guard !bins.isEmpty else { return }
            var low = [31, 31, 31]
            var high = [0, 0, 0]
            for bin in bins {
                for channel in 0..<3 {
                    let value = (bin >> (10 - 5 * channel)) & 31
                    low[channel] = min(low[channel], value)
                    high[channel] = max(high[channel], value)
                }
            }
            let ranges = (0..<3).map { high[$0] - low[$0] }
            range = ranges.max()!
            channel = ranges.firstIndex(of: range)!
        }
    }
}
