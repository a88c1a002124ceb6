#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyStore

/// The models in `<storage>/models/`: which there are, which one a name means, removing one.
///
/// A model is a `.gguf` file there. Its name is the file name without `.gguf`; a catalog name
/// (`smollm2-135m`) works too for a file pulled from the catalog. A symbolic link put there by
/// hand is used as the model it points at, and `rm` removes the link, never its target.
public struct ModelRegistry: Sendable {
    public let directory: URL

    public init(storage: URL) {
        directory = storage.appendingPathComponent("models")
    }

    public static func modelName(ofFile fileName: String) -> String {
        fileName.lowercased().hasSuffix(".gguf") ? String(fileName.dropLast(5)) : fileName
    }

    /// The model files, by name.
    public func modelFiles() -> [URL] {
        Platform.fileNames(in: directory).filter { $0.lowercased().hasSuffix(".gguf") && !$0.hasPrefix(".") }.sorted()
            .map { directory.appendingPathComponent($0) }
    }

    /// Downloads that were stopped before the end: file name and bytes on disk.
    public func partialDownloads() -> [(fileName: String, bytes: Int64)] {
        Platform.fileNames(in: directory).filter { $0.hasSuffix(".gguf.partial") }.sorted().compactMap { name in
            OwnFiles.regularFileSize(directory.appendingPathComponent(name)).map { (String(name.dropLast(8)), $0) }
        }
    }

    /// The model file `name` means: a file name, a model name, a catalog name, or a model name in
    /// another case when only one matches.
    public func resolve(_ name: String) throws(ModelPullError) -> URL {
        let files = modelFiles()
        let byFile = files.first { $0.lastPathComponent == name }
            ?? files.first { Self.modelName(ofFile: $0.lastPathComponent) == name }
        if let byFile { return byFile }
        if let entry = ModelCatalog.entry(named: name), let file = files.first(where: { $0.lastPathComponent == entry.fileName }) {
            return file
        }
        if let recorded = files.first(where: { ModelRecord.read(forModel: $0)?.catalogName == name.lowercased() }) { return recorded }
        let folded = files.filter { Self.modelName(ofFile: $0.lastPathComponent).lowercased() == name.lowercased() }
        if folded.count == 1 { return folded[0] }
        throw .noSuchModel(name, known: files.map { Self.modelName(ofFile: $0.lastPathComponent) })
    }

    /// The local file of a catalog entry, when it is installed.
    public func installedFile(of entry: CatalogEntry) -> URL? {
        let url = directory.appendingPathComponent(entry.fileName)
        return Platform.fileExists(url) ? url : nil
    }

    /// Removes the model `name` (or an unfinished download of that name), its record and any
    /// partial download; returns the files removed. A download in progress is left alone.
    public func remove(_ name: String) throws(ModelPullError) -> [String] {
        let model: URL
        do {
            model = try resolve(name)
        } catch {
            let partialName = name.hasSuffix(".gguf") ? name : name + ".gguf"
            guard OwnFiles.regularFileSize(directory.appendingPathComponent(partialName + ".partial")) != nil else { throw error }
            model = directory.appendingPathComponent(partialName)
        }
        let partial = directory.appendingPathComponent(model.lastPathComponent + ".partial")
        if isBeingWritten(partial) { throw .busy(file: model.lastPathComponent) }
        var removed: [String] = []
        for url in [model, ModelRecord.recordURL(forModel: model), partial, directory.appendingPathComponent(model.lastPathComponent + ".partial.json")] {
            var info = stat()
            guard lstat(url.path, &info) == 0 else { continue }
            let kind = info.st_mode & S_IFMT
            guard kind == S_IFREG || kind == S_IFLNK else { continue }
            // unlink removes a link itself, never the file it points at.
            if unlink(url.path) == 0 {
                removed.append(url.lastPathComponent)
            } else {
                throw .storage("cannot remove \(url.path): \(Platform.describe(errno: errno))")
            }
        }
        return removed
    }

    /// True while another process holds the lock of a partial download.
    private func isBeingWritten(_ partial: URL) -> Bool {
        guard let fd = try? Platform.openOwnFile(partial, flags: O_RDONLY) else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 { return true }
        flock(fd, LOCK_UN)
        return false
    }
}
