/// Turns decoded pixels into half-block cells: a pure function, so the exact cells of a known
/// picture can be tested.
///
/// A terminal cell is about twice as tall as it is wide, so each half of a cell is about square:
/// the picture is scaled to `columns × 2·rows` square pixels keeping its aspect ratio, never
/// enlarged, and each target pixel is the average of the source pixels its box covers.
public enum HalfBlockRasteriser {
    /// - Parameters:
    ///   - maxColumns: the widest the picture may be, in cells (at least 1).
    ///   - maxRows: the tallest, in cells (at least 1).
    public static func rasterise(_ image: RGBImage, maxColumns: Int, maxRows: Int) -> HalfBlockPicture {
        let size = fittedSize(width: image.width, height: image.height, maxColumns: maxColumns, maxRows: maxRows)
        let scaled = boxAverage(image, toWidth: size.width, height: size.height)
        var cells: [HalfBlockPicture.Cell] = []
        cells.reserveCapacity(size.width * size.height / 2)
        for row in 0..<size.height / 2 {
            for column in 0..<size.width {
                cells.append(HalfBlockPicture.Cell(
                    upper: scaled.pixel(x: column, y: 2 * row), lower: scaled.pixel(x: column, y: 2 * row + 1)))
            }
        }
        return HalfBlockPicture(columns: size.width, rows: size.height / 2, cells: cells)
    }

    /// The target size in square pixels. The height is rounded to an even number (a whole number
    /// of cells), which bends the aspect ratio by at most one pixel row.
    static func fittedSize(width: Int, height: Int, maxColumns: Int, maxRows: Int) -> (width: Int, height: Int) {
        let columns = max(1, maxColumns)
        let pixelRows = 2 * max(1, maxRows)
        let scale = min(1, Double(columns) / Double(max(1, width)), Double(pixelRows) / Double(max(1, height)))
        let targetWidth = min(columns, max(1, Int((Double(width) * scale).rounded())))
        let exactHeight = max(1, Int((Double(height) * scale).rounded()))
        let targetHeight = min(pixelRows, (exactHeight + 1) / 2 * 2)
        return (targetWidth, targetHeight)
    }

    /// Each target pixel is the rounded mean of the source box it covers (at least one pixel, so
    /// a one-pixel-high picture still fills both halves of its cell).
    static func boxAverage(_ image: RGBImage, toWidth width: Int, height: Int) -> RGBImage {
        if width == image.width && height == image.height { return image }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let top = y * image.height / height
            let bottom = max(top + 1, (y + 1) * image.height / height)
            for x in 0..<width {
                let left = x * image.width / width
                let right = max(left + 1, (x + 1) * image.width / width)
                var sums = (0, 0, 0)
                for sourceY in top..<bottom {
                    for sourceX in left..<right {
                        let index = (sourceY * image.width + sourceX) * 3
                        sums.0 += Int(image.pixels[index])
                        sums.1 += Int(image.pixels[index + 1])
                        sums.2 += Int(image.pixels[index + 2])
                    }
                }
                let count = (bottom - top) * (right - left)
                let out = (y * width + x) * 3
                pixels[out] = UInt8((sums.0 + count / 2) / count)
                pixels[out + 1] = UInt8((sums.1 + count / 2) / count)
                pixels[out + 2] = UInt8((sums.2 + count / 2) / count)
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
