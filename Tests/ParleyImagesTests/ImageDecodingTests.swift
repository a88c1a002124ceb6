import Foundation
import ParleyCore
import ParleyImages
import Testing

/// Header checks and decoding through libpng and libjpeg: the caps hold before anything is allocated.
struct ImageDecodingTests {
    @Test func aPNGMadeByLibpngDecodesToTheSamePixels() throws {
        let decoded = try ImageDecoder.decode(TestPictures.png(), what: "the fixture")
        #expect(decoded == TestPictures.quarters)
        #expect(try ImageHeader.read(TestPictures.png(), what: "x") == ImageHeader(format: .png, width: 2, height: 4))
    }

    @Test func aFiftyThousandSquareHeaderIsRefusedInOneLine() throws {
        for data in [TestPictures.pngHeader(width: 50_000, height: 50_000), TestPictures.jpegHeader(width: 50_000, height: 50_000)] {
            let error = try #require(throws: ImageError.self) { try ImageDecoder.decode(data, what: "the picture") }
            #expect(error == .tooLarge(what: "the picture", width: 50_000, height: 50_000))
            let line = oneLineDescription(of: error)
            #expect(line.contains("50000×50000") && !line.contains("\n"), "\(line)")
        }
    }

    @Test func aJPEGFrameHeaderGivesItsSize() throws {
        #expect(try ImageHeader.read(TestPictures.jpegHeader(width: 640, height: 480), what: "x") == ImageHeader(format: .jpeg, width: 640, height: 480))
    }

    @Test func bytesThatAreNotAPictureAreNamedSo() throws {
        let error = try #require(throws: ImageError.self) { try ImageDecoder.decode(Data("<html>oops</html>".utf8), what: "the answer") }
        #expect(error == .notAnImage(what: "the answer"))
    }

    @Test func aPNGCutShortIsDamagedNotACrash() throws {
        let png = TestPictures.png()
        for cut in [30, png.count / 2, png.count - 13] {
            #expect(throws: ImageError.self) { try ImageDecoder.decode(png.prefix(cut), what: "the picture") }
        }
    }

    @Test func aDamagedJPEGIsAnErrorFromLibjpegNotAnExit() throws {
        // A frame header libjpeg accepts, then nothing: it must report, not end the process.
        #expect(throws: ImageError.self) { try ImageDecoder.decode(TestPictures.jpegHeader(width: 8, height: 8), what: "the picture") }
    }
}
