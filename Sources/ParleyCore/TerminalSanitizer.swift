/// Makes text from models, files and servers safe to print on a terminal.
///
/// Every character that a terminal could act on is replaced by a visible, inert stand-in: C0 controls
/// (ESC, BEL, BS, ...) and DEL become their Unicode control pictures (`␛`, `␇`, `␈`, `␡`), C1 controls
/// and the bidirectional overrides and isolates become `<U+XXXX>`. Newlines and tabs stay (the caller
/// decides how to lay them out); a CR LF pair becomes a newline. Because ESC itself is replaced, no
/// CSI, OSC or DCS sequence can survive.
public enum TerminalSanitizer {
    public static func sanitize(_ text: String) -> String {
        // Fast path: most text has nothing to replace.
        if !text.unicodeScalars.contains(where: needsReplacing) { return text }
        var out = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if previousWasCR {
                previousWasCR = false
                if scalar == "\n" {
                    out.append("\n")
                    continue
                }
                out.append(contentsOf: "␍".unicodeScalars)
            }
            if scalar == "\r" {
                previousWasCR = true
                continue
            }
            if needsReplacing(scalar) {
                out.append(contentsOf: replacement(for: scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        if previousWasCR { out.append(contentsOf: "␍".unicodeScalars) }
        return String(out)
    }

    /// True for every scalar that must not reach a terminal as it is.
    public static func needsReplacing(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 { return v != 0x0A && v != 0x09 }
        if v == 0x7F { return true }
        if v >= 0x80 && v <= 0x9F { return true }
        if v >= 0x202A && v <= 0x202E { return true }
        if v >= 0x2066 && v <= 0x2069 { return true }
        return false
    }

    static func replacement(for scalar: Unicode.Scalar) -> String {
        let v = scalar.value
        if v < 0x20 { return String(Unicode.Scalar(0x2400 + v)!) }
        if v == 0x7F { return "␡" }
        let hex = String(v, radix: 16, uppercase: true)
        return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
    }
}
