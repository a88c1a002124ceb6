import Foundation
import ParleyStore

/// Saves a draft's text to a file the user names (`-o FILE`, `/save FILE`): the text ends with a
/// newline, and the file is written by `OutputFile`'s rules (an existing file only with
/// `overwrite`, atomically and keeping its mode; a link followed to its target; a FIFO or device
/// written in place).
public enum DraftFile {
    public static func save(_ text: String, to path: String, overwrite: Bool) throws {
        var body = text
        if !body.isEmpty && !body.hasSuffix("\n") { body += "\n" }
        try OutputFile.write(Data(body.utf8), to: path, force: overwrite)
    }
}
