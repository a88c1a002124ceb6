import Foundation
import ParleyImages
import Testing

@Suite struct TerminalPictureWriterTests {
    let picture = HalfBlockRasteriser.rasterise(TestPictures.quarters, maxColumns: 80, maxRows: 24)

    @Test func halfBlocksInTrueColour() {
        let text = TerminalPictureWriter.halfBlock(picture, trueColor: true)
        #expect(text == """
            \u{1B}[38;2;255;0;0;48;2;0;0;255m▀\u{1B}[38;2;0;255;0;48;2;255;255;255m▀\u{1B}[0m
            \u{1B}[38;2;0;255;0;48;2;255;255;255m▀\u{1B}[38;2;255;0;0;48;2;0;0;255m▀\u{1B}[0m

            """)
    }

    @Test func halfBlocksInTheNearest256Colours() {
        let text = TerminalPictureWriter.halfBlock(picture, trueColor: false)
        #expect(text.hasPrefix("\u{1B}[38;5;196;48;5;21m▀\u{1B}[38;5;46;48;5;231m▀\u{1B}[0m\n"))
    }

    @Test func aRunOfOneColourPairNamesItsColoursOnce() {
        let flat = RGBImage(width: 3, height: 2, pixels: [UInt8](repeating: 9, count: 18))
        let text = TerminalPictureWriter.halfBlock(HalfBlockRasteriser.rasterise(flat, maxColumns: 9, maxRows: 9), trueColor: true)
        #expect(text == "\u{1B}[38;2;9;9;9;48;2;9;9;9m▀▀▀\u{1B}[0m\n")
    }

    /// The payload of every escape, joined: what the terminal would decode.
    func payloads(_ text: String, start: String, end: String) -> (keys: [String], data: String) {
        var keys: [String] = []
        var data = ""
        for piece in text.components(separatedBy: start).dropFirst() {
            let body = piece.components(separatedBy: end)[0]
            let parts = body.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
            keys.append(String(parts[0]))
            data += parts.count > 1 ? String(parts[1]) : ""
        }
        return (keys, data)
    }

    @Test func kittyCarriesAPNGOfTheDecodedPixelsInChunks() throws {
        // Noise does not compress, so the PNG needs several 4096-character chunks.
        var generator = SystemRandomNumberGenerator()
        let noise = RGBImage(width: 64, height: 64, pixels: (0..<64 * 64 * 3).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let text = try #require(TerminalPictureWriter.kitty(noise, columns: 30))
        let (keys, data) = payloads(text, start: "\u{1B}_G", end: "\u{1B}\\")
        #expect(keys.count > 2)
        #expect(keys.first == "a=T,f=100,q=2,c=30,m=1")
        #expect(keys.dropFirst().dropLast().allSatisfy { $0 == "m=1" } && keys.last == "m=0")
        let png = try #require(Data(base64Encoded: data))
        #expect(try ImageDecoder.decode(png, what: "kitty") == noise)
        #expect(text.filter { $0 == "\u{1B}" }.count == 2 * keys.count)
    }

    @Test func itermCarriesAPNGOfTheDecodedPixels() throws {
        let text = try #require(TerminalPictureWriter.iterm(TestPictures.quarters, columns: 12))
        #expect(text.hasPrefix("\u{1B}]1337;File=inline=1;size="))
        #expect(text.contains(";width=12;preserveAspectRatio=1:") && text.hasSuffix("\u{07}\n"))
        let base64 = try #require(text.split(separator: ":").last?.dropLast(2))
        let png = try #require(Data(base64Encoded: String(base64)))
        #expect(try ImageDecoder.decode(png, what: "iterm") == TestPictures.quarters)
        #expect(text.filter { $0 == "\u{1B}" || $0 == "\u{07}" }.count == 2)
    }
}
