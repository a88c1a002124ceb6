import Foundation
import ParleyImages
import Testing

@Suite struct PictureDisplayTests {
    @Test(arguments: [
        (["TERM": "xterm-kitty"], PictureDisplay.kitty),
        (["TERM": "xterm-256color", "KITTY_WINDOW_ID": "3"], .kitty),
        (["TERM": "xterm-ghostty", "TERM_PROGRAM": "ghostty"], .kitty),
        (["TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"], .iterm),
        (["TERM": "xterm-256color", "LC_TERMINAL": "iTerm2"], .iterm),
        (["TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"], .iterm),
        (["TERM": "foot"], .sixel),
        (["TERM": "mlterm"], .sixel),
        (["TERM": "xterm-256color"], .halfblock),
        (["TERM": "xterm-kitty", "TMUX": "/tmp/tmux-1/default,1,0"], .halfblock),
        (["TERM": "tmux-256color", "KITTY_WINDOW_ID": "1"], .halfblock),
        (["TERM": "dumb"], .off),
        ([:], .off),
    ])
    func detectionReadsWhatTerminalsSet(environment: [String: String], expected: PictureDisplay) {
        #expect(PictureDisplayDetector.detect(environment: environment) == expected)
    }

    @Test func aFlagBeatsTheEnvironmentWhichBeatsTheConfig() throws {
        let kitty = ["TERM": "xterm-kitty"]
        #expect(try PictureDisplayDetector.choose(flag: "off", config: "iterm", environment: kitty.merging(["PARLEY_IMAGES": "sixel"]) { $1 }) == .off)
        #expect(try PictureDisplayDetector.choose(flag: nil, config: "iterm", environment: kitty.merging(["PARLEY_IMAGES": "HalfBlock"]) { $1 }) == .halfblock)
        #expect(try PictureDisplayDetector.choose(flag: nil, config: "iterm", environment: kitty) == .iterm)
        #expect(try PictureDisplayDetector.choose(flag: nil, config: nil, environment: kitty) == .kitty)
    }

    @Test func anUnknownModeSaysWhereItCameFrom() {
        #expect(throws: PictureDisplayDetector.UnknownMode.self) {
            try PictureDisplayDetector.choose(flag: nil, config: nil, environment: ["PARLEY_IMAGES": "png"])
        }
        do {
            _ = try PictureDisplayDetector.choose(flag: "ascii", config: nil, environment: [:])
        } catch {
            #expect("\(error)" == "--images must be one of halfblock|kitty|iterm|sixel|off, not 'ascii'")
        }
    }

    @Test func sixelIsDrawnAsHalfBlocks() {
        #expect(PictureDisplay.sixel.drawn == .halfblock)
        #expect(PictureDisplay.kitty.drawn == .kitty)
    }

    @Test(arguments: [(["COLORTERM": "truecolor"], true), (["COLORTERM": "24bit"], true), (["COLORTERM": "yes"], false), ([:], false)])
    func trueColourComesFromCOLORTERM(environment: [String: String], expected: Bool) {
        #expect(PictureDisplayDetector.hasTrueColor(environment: environment) == expected)
    }
}
