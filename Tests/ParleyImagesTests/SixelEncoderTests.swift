import ParleyCore
import ParleyImages
import Testing

@Suite struct SixelEncoderTests {
    static let red = RGB(red: 255, green: 0, blue: 0)
    static let blue = RGB(red: 0, green: 0, blue: 255)
    static let white = RGB(red: 255, green: 255, blue: 255)

    static func image(width: Int, _ colors: [RGB]) -> RGBImage {
        RGBImage(width: width, height: colors.count / width, pixels: colors.flatMap { [$0.red, $0.green, $0.blue] })
    }

    /// 5×7: six rows of four red pixels and a blue one, then a white row (a second band).
    @Test func aSmallKnownPictureGivesExactlyTheseBytes() {
        let rows = Array(repeating: [Self.red, Self.red, Self.red, Self.red, Self.blue], count: 6).flatMap { $0 }
        let picture = Self.image(width: 5, rows + Array(repeating: Self.white, count: 5))
        #expect(SixelEncoder.encode(picture) == "\u{1B}P0;1;0q\"1;1;5;7#0;2;100;0;0#1;2;0;0;100#2;2;100;100;100#0!4~$#1!4?~-#2!5@\u{1B}\\")
    }

    @Test func bitsFollowTheRowsOfABand() {
        // 1×3: red, blue, red: red has rows 0 and 2 (1 + 4 → "D"), blue row 1 (2 → "A").
        let picture = Self.image(width: 1, [Self.red, Self.blue, Self.red])
        #expect(SixelEncoder.encode(picture) == "\u{1B}P0;1;0q\"1;1;1;3#0;2;100;0;0#1;2;0;0;100#0D$#1A\u{1B}\\")
    }

    @Test func medianCutSplitsTheWidestChannelAndAveragesEachBox() {
        let reds: [RGB] = [0, 10, 250, 255].map { RGB(red: $0, green: 0, blue: 0) }
        let (palette, indices) = SixelEncoder.quantise(Self.image(width: 4, reds), maxColors: 2)
        #expect(palette == [RGB(red: 5, green: 0, blue: 0), RGB(red: 253, green: 0, blue: 0)])
        #expect(indices == [0, 0, 1, 1])
        // Many colours: never more than the limit, and every pixel has a colour.
        let many: [RGB] = (0..<1000).map { (n: Int) -> RGB in
            let red = UInt8(n % 256)
            let green = UInt8(n * 7 % 256)
            let blue = UInt8(n * 13 % 256)
            return RGB(red: red, green: green, blue: blue)
        }
        let reduced = SixelEncoder.quantise(Self.image(width: 100, many), maxColors: 16)
        #expect(reduced.palette.count == 16)
        #expect(reduced.indices.count == 1000 && reduced.indices.allSatisfy { (0..<16).contains($0) })
    }

    @Test func nothingButSixelDataBetweenTheIntroducerAndTheTerminator() {
        let many: [RGB] = (0..<600).map { (n: Int) -> RGB in RGB(red: UInt8(n % 256), green: UInt8(n * 3 % 256), blue: 0) }
        let text = SixelEncoder.encode(Self.image(width: 30, many))
        let body = text.dropFirst(2).dropLast(2)
        #expect(text.hasPrefix("\u{1B}P") && text.hasSuffix("\u{1B}\\"))
        #expect(body.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) })
    }

    @Test func fittingFillsTheBoxAndKeepsTheShape() {
        let picture = Self.image(width: 4, Array(repeating: Self.red, count: 4) + Array(repeating: Self.blue, count: 4))
        let half = SixelEncoder.fitted(picture, maxWidth: 2, maxHeight: 100)
        #expect(half.width == 2 && half.height == 1)
        // Enlarged by repeating pixels: 4×2 into 8×8 is 8×4, the red row twice then the blue.
        let larger = SixelEncoder.fitted(picture, maxWidth: 8, maxHeight: 8)
        #expect(larger.width == 8 && larger.height == 4)
        #expect((0..<4).map { larger.pixel(x: 7, y: $0) } == [Self.red, Self.red, Self.blue, Self.blue])
    }
}
