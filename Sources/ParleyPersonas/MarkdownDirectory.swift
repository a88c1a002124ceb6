import Foundation
import ParleyCore

/// Loads a family of Markdown files (personas, templates) from directories in order: a later
/// directory overrides an earlier file of the same name; a file that cannot be read or parsed is
/// reported as one line and skipped, so the others still load. `README.md` and hidden files are
/// not entries. Files are read with `BoundedFile`: a FIFO or a file over
/// `FrontMatterLimits.maxFileBytes` is named and skipped without being read.
public enum MarkdownDirectory {
    public static func load<Entry>(
        from directories: [URL], name: (Entry) -> String, parse: (_ path: String, _ text: String) throws -> Entry
    ) -> (entries: [String: Entry], problems: [String]) {
        var entries: [String: Entry] = [:]
        var problems: [String] = []
        for directory in directories {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { continue }
            for fileName in names.sorted() where fileName.hasSuffix(".md") && !fileName.hasPrefix(".") && fileName.lowercased() != "readme.md" {
                let file = directory.appendingPathComponent(fileName)
                do {
                    let data: Data
                    do {
                        data = try BoundedFile.read(file.path, limit: FrontMatterLimits.maxFileBytes)
                    } catch {
                        problems.append("\(file.path): \(error)")
                        continue
                    }
                    guard let text = String(data: data, encoding: .utf8) else {
                        problems.append("\(file.path): not UTF-8 text")
                        continue
                    }
                    let entry = try parse(file.path, text)
                    entries[name(entry)] = entry
                } catch {
                    problems.append(oneLineDescription(of: error))
                }
            }
        }
        return (entries, problems)
    }
}
