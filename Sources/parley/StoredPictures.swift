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
    private let display: PictureDisplay
    private let lock = NSLock()
    private var decoded: [(name: String, image: RGBImage)] = []
    /// Pictures that could not be read or decoded, not tried again on every frame.
    private var unreadable: Set<String> = []

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
