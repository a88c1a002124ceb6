import ParleyImages

/// The escape output that shows a decoded picture on stdout's terminal, by display mode.
enum TerminalPicture {
    /// - Parameter size: the terminal's size; the picture takes at most its width and all but two
    ///   rows (room for the path line and the prompt after it).
    static func render(_ image: RGBImage, as display: PictureDisplay, size: (columns: Int, rows: Int), environment: [String: String]) -> String {
        let rows = max(1, size.rows - 2)
        let halfBlocks = HalfBlockRasteriser.rasterise(image, maxColumns: size.columns, maxRows: rows)
        switch display {
        case .off: return ""
        // Graphics protocols are given the picture's cell width from the half-block fit, so a
        // picture takes the same room whichever way it is drawn.
        case .kitty:
            if let text = TerminalPictureWriter.kitty(image, columns: halfBlocks.columns) { return text }
        case .iterm:
            if let text = TerminalPictureWriter.iterm(image, columns: halfBlocks.columns) { return text }
        case .sixel:
            // Pixels to fill the half-block fit's cells, at the cell size the terminal reports
            // (10×20 when it reports none).
            let cell = Console.cellPixels() ?? (width: 10, height: 20)
            let fitted = SixelEncoder.fitted(image, maxWidth: halfBlocks.columns * cell.width, maxHeight: halfBlocks.rows * cell.height)
            return SixelEncoder.encode(fitted) + "\n"
        case .halfblock: break
        }
        return TerminalPictureWriter.halfBlock(halfBlocks, trueColor: PictureDisplayDetector.hasTrueColor(environment: environment))
    }
}
