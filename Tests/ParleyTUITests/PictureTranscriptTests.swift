import ParleyCore
import Testing

@testable import ParleyTUI

/// A stored picture in the transcript: coloured cells from the picture source, at the width given.
@Suite struct PictureTranscriptTests {
    /// Hands back one row of "▀" cells as wide as asked, red over blue, and records the widths.
    final class FixedPictures: PictureSource, @unchecked Sendable {
        var widths: [Int] = []
        var heights: [Int] = []
        static let style = CellStyle(foreground: RGB(red: 255, green: 0, blue: 0), background: RGB(red: 0, green: 0, blue: 255))

        func lines(ofPicture name: String, width: Int, height: Int) -> [StyledLine]? {
            guard name == "fox.png" else { return nil }
            widths.append(width)
            heights.append(height)
            return [StyledLine(String(repeating: "▀", count: min(width, 4)), Self.style)]
        }
    }

    @Test func aMessagesPictureIsDrawnInItsColoursUnderTheText() {
        let source = FixedPictures()
        var message = Message(role: .assistant, content: "a fox")
        message.picture = "fox.png"
        let lines = TranscriptLayout(pictures: source).lines(for: message, width: 20)
        #expect(lines.map(\.plainText) == ["Assistant", "  a fox", "  ▀▀▀▀", ""])
        #expect(lines[2].runs.last?.style == FixedPictures.style)
        #expect(source.widths == [18])  // the width inside the indent

        var buffer = CellBuffer(width: 20, height: 1)
        buffer.write(lines[2], x: 0, y: 0)
        #expect(buffer[2, 0].style.foreground == RGB(red: 255, green: 0, blue: 0))
        #expect(buffer[2, 0].style.background == RGB(red: 0, green: 0, blue: 255))
    }

    @Test func aPictureThatCannotBeReadSaysSo() {
        var message = Message(role: .assistant, content: "")
        message.picture = "gone.png"
        let lines = TranscriptLayout(pictures: FixedPictures()).lines(for: message, width: 40)
        #expect(lines.map(\.plainText) == ["Assistant", "  [picture gone.png cannot be shown]", ""])
    }

    @Test func aNewWidthRedrawsThePicture() {
        let source = FixedPictures()
        let layout = TranscriptLayout(pictures: source)
        var message = Message(role: .assistant, content: "a fox")
        message.picture = "fox.png"
        _ = layout.lines(for: message, width: 20)
        _ = layout.lines(for: message, width: 20)
        _ = layout.lines(for: message, width: 5)
        #expect(source.widths == [18, 3])
    }

    @Test(arguments: [(1 << 24, 0xFF8000), (256, 208), (16, nil), (8, nil)] as [(Int, Int?)])
    func cellColoursFollowTheTerminalsColourCount(colorCount: Int, expected: Int?) {
        #expect(RGB(red: 255, green: 128, blue: 0).terminalColor(colorCount: colorCount) == expected)
    }
}
