import Foundation
import ParleyCore
import ParleyImages
import ParleyStore
import ParleyTUI

/// The chat screen's pictures: read from `<storage>/images/` with the store's rules, decoded
/// through libpng/libjpeg, and rasterised to half-block cells as wide as the transcript allows.
/// Decoded pictures are kept (a few), so a resize only rasterises again.
final class StoredPictures: PictureSource, @unchecked Sendable {
    private let store: PictureStore
    let display: PictureDisplay
    private let lock = NSLock()
    private var decoded: [(name: String, image: RGBImage)] = []
    /// Pictures that could not be read or decoded, not tried again on every frame.
    private var unreadable: Set<String> = []
    /// Graphics sequences made, by picture and cell size.
    private var sequences: [(key: String, text: String)] = []

    /// How many decoded pictures are kept.
    static let keep = 6

    init(store: PictureStore, display: PictureDisplay) {
        self.store = store
        self.display = display
    }

    func lines(ofPicture name: String, width: Int, height: Int) -> [StyledLine]? {
        if display == .off {
            return [StyledLine("[picture \(name) · /open shows it]", CellStyle(.dim, italic: true))]
        }
        guard let image = image(named: name) else { return nil }
        return Self.lines(HalfBlockRasteriser.rasterise(image, maxColumns: width, maxRows: height))
    }

    /// Half-block cells as styled lines: "▀" in the upper pixel's colour on the lower one's, runs
    /// of one colour pair as one piece.
    static func lines(_ picture: HalfBlockPicture) -> [StyledLine] {
        (0..<picture.rows).map { row in
            var runs: [StyledRun] = []
            var column = 0
            while column < picture.columns {
                let cell = picture[column, row]
                var end = column + 1
                while end < picture.columns && picture[end, row] == cell { end += 1 }
                runs.append(StyledRun(
                    String(repeating: HalfBlockPicture.glyph, count: end - column), CellStyle(foreground: cell.upper, background: cell.lower)))
                column = end
            }
            return StyledLine(runs)
        }
    }

    /// Whether pictures are drawn with a graphics protocol over their cells.
    var usesGraphics: Bool { display == .kitty || display == .iterm || display == .sixel }

    /// The graphics escape sequence for a picture on screen, made by Parley's own writers from the
    /// decoded pixels and sized to the placement's cells; nil when it cannot be made (sixel with a
    /// terminal that does not say its cell size in pixels, so the picture's size is unknown: the
    /// half-block cells stay).
    func graphics(for placement: PicturePlacement, cellPixels: (width: Int, height: Int)?) -> String? {
        let key = "\(placement.name) \(placement.columns)x\(placement.rows)"
        lock.lock()
        let cached = sequences.first { $0.key == key }?.text
        lock.unlock()
        if let cached { return cached }
        guard let image = image(named: placement.name) else { return nil }
        var text: String?
        switch display {
        case .kitty: text = TerminalPictureWriter.kitty(image, columns: placement.columns)
        case .iterm: text = TerminalPictureWriter.iterm(image, columns: placement.columns)
        case .sixel:
            guard let cell = cellPixels else { return nil }
            let fitted = SixelEncoder.fitted(image, maxWidth: placement.columns * cell.width, maxHeight: placement.rows * cell.height)
            text = SixelEncoder.encode(fitted)
        case .halfblock, .off: return nil
        }
        // The writers end with a newline for a shell; over the screen's cells it could scroll.
        guard var sequence = text else { return nil }
        while sequence.hasSuffix("\n") { sequence.removeLast() }
        lock.lock()
        sequences.append((key, sequence))
        if sequences.count > Self.keep { sequences.removeFirst() }
        lock.unlock()
        return sequence
    }

    private func image(named name: String) -> RGBImage? {
        lock.lock()
        defer { lock.unlock() }
        if let index = decoded.firstIndex(where: { $0.name == name }) {
            let found = decoded.remove(at: index)
            decoded.append(found)
            return found.image
        }
        if unreadable.contains(name) { return nil }
        guard let data = try? store.read(name, limit: ImageEndpoint.maxPictureBody),
            let image = try? ImageDecoder.decode(data, what: name)
        else {
            unreadable.insert(name)
            return nil
        }
        decoded.append((name, image))
        if decoded.count > Self.keep { decoded.removeFirst() }
        return image
    }
}
