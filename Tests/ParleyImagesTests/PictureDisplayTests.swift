import Foundation
import ParleyImages
import ParleyTestThreads
import Testing

@Suite(.heavy) struct PictureDisplayTests {
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

    @Test(arguments: [
        ("\u{1B}[?62;4;6;22c", true),
        ("\u{1B}[?64;1;2;4;6;9;15;18;21;22c", true),
        ("\u{1B}[?62;22c", false),
        ("\u{1B}[?1;2c", false),
        ("\u{1B}[?14c", false),
        ("\u{1B}[?62;4", false),
        ("\u{1B}[?62;x4;c", false),
        ("", false),
    ])
    func deviceAttributesListingFourMeanSixel(reply: String, expected: Bool) {
        #expect(PictureDisplayDetector.sixelInDeviceAttributes(reply) == expected)
    }

    @Test func aSixelAnswerOnlyUpgradesHalfBlocksOutsideMultiplexers() throws {
        let sixel = "\u{1B}[?62;4;22c"
        #expect(PictureDisplayDetector.detect(environment: ["TERM": "xterm-256color"], deviceAttributes: sixel) == .sixel)
        #expect(PictureDisplayDetector.detect(environment: ["TERM": "xterm-256color"], deviceAttributes: "\u{1B}[?62;22c") == .halfblock)
        #expect(PictureDisplayDetector.detect(environment: ["TERM": "xterm-kitty"], deviceAttributes: sixel) == .kitty)
        #expect(PictureDisplayDetector.detect(environment: ["TERM": "xterm-256color", "TMUX": "x"], deviceAttributes: sixel) == .halfblock)
        #expect(PictureDisplayDetector.detect(environment: ["TERM": "dumb"], deviceAttributes: sixel) == .off)
        // The override still wins over an answer.
        #expect(try PictureDisplayDetector.choose(flag: "halfblock", config: nil, environment: ["TERM": "xterm"], deviceAttributes: sixel) == .halfblock)
        #expect(try PictureDisplayDetector.choose(flag: nil, config: nil, environment: ["TERM": "xterm", "PARLEY_IMAGES": "off"], deviceAttributes: sixel) == .off)
        #expect(PictureDisplayDetector.worthAsking(environment: ["TERM": "xterm-256color"]))
        #expect(!PictureDisplayDetector.worthAsking(environment: ["TERM": "xterm-256color", "TMUX": "x"]))
        #expect(!PictureDisplayDetector.worthAsking(environment: ["TERM": "foot"]))
        #expect(!PictureDisplayDetector.worthAsking(environment: ["TERM": "xterm-256color", "PARLEY_IMAGES": "kitty"]))
    }

    @Test(arguments: [(["COLORTERM": "truecolor"], true), (["COLORTERM": "24bit"], true), (["COLORTERM": "yes"], false), ([:], false)])
    func trueColourComesFromCOLORTERM(environment: [String: String], expected: Bool) {
        #expect(PictureDisplayDetector.hasTrueColor(environment: environment) == expected)
    }
}
