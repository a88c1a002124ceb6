import Foundation
import ParleyCore

/// The bytes that draw a picture on a terminal, made here from decoded pixels: numbers, "▀",
/// and base64 of a PNG Parley encoded itself. Nothing a server sent is passed through, so no
/// stray escape sequence can ride along with a picture.
public enum TerminalPictureWriter {
    /// Half-block lines, each ending in a reset and a newline.
    public static func halfBlock(_ picture: HalfBlockPicture, trueColor: Bool) -> String {
        var out = ""
        for row in 0..<picture.rows {
            var previous: HalfBlockPicture.Cell?
            for column in 0..<picture.columns {
                let cell = picture[column, row]
                // Runs of one colour pair are common (flat backgrounds): say the colours once.
                if cell != previous {
                    out += "\u{1B}[" + colorCode(cell.upper, layer: 38, trueColor: trueColor)
                        + ";" + colorCode(cell.lower, layer: 48, trueColor: trueColor) + "m"
                    previous = cell
                }
                out += HalfBlockPicture.glyph
            }
            out += "\u{1B}[0m\n"
        }
        return out
    }

    /// The kitty graphics protocol: the picture as a PNG in chunks of 4096 base64 characters,
    /// scaled by the terminal to `columns` cells; `q=2` keeps the terminal from answering on stdin.
    public static func kitty(_ image: RGBImage, columns: Int) -> String? {
        guard let png = PNGEncoder.encode(image) else { return nil }
        let payload = Array(png.base64EncodedString().utf8)
        let chunk = 4096
        var out = ""
        var offset = 0
        repeat {
            let end = min(payload.count, offset + chunk)
            let more = end < payload.count ? 1 : 0
            let keys = offset == 0 ? "a=T,f=100,q=2,c=\(max(1, columns)),m=\(more)" : "m=\(more)"
            out += "\u{1B}_G" + keys + ";" + String(decoding: payload[offset..<end], as: UTF8.self) + "\u{1B}\\"
            offset = end
        } while offset < payload.count
        return out + "\n"
    }

    /// iTerm2 inline images: the picture as a PNG, `columns` cells wide, aspect ratio kept.
    public static func iterm(_ image: RGBImage, columns: Int) -> String? {
        guard let png = PNGEncoder.encode(image) else { return nil }
        return "\u{1B}]1337;File=inline=1;size=\(png.count);width=\(max(1, columns));preserveAspectRatio=1:"
            + png.base64EncodedString() + "\u{07}\n"
    }

    static func colorCode(_ color: RGB, layer: Int, trueColor: Bool) -> String {
        if trueColor { return "\(layer);2;\(color.red);\(color.green);\(color.blue)" }
        return "\(layer);5;\(XtermPalette.nearest(red: color.red, green: color.green, blue: color.blue))"
    }
}
