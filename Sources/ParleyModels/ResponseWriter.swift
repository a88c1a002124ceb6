import Foundation
import ParleyHTTP
import ParleyStore

/// Writes the answer to one download request into the partial file where it arrives (on the HTTP
/// transfer's thread, see `BodySink`), and decides whether the answer can be used: the
/// status, the range it starts at, the total it claims, the space it needs. The first problem is
/// kept for the download to throw once the request has ended.
final class ResponseWriter: @unchecked Sendable {
    private let lock = NSLock()
    private let partial: PartialFile
    private let target: DownloadTarget
    private let offset: Int64
    private let onEvent: @Sendable (DownloadEvent) -> Void
    private var knownTotal: Int64?
    private var problem: Error?
    private var accepted = false
    private var stopped = false
    private var answered = false

    init(partial: PartialFile, target: DownloadTarget, total: Int64?, onEvent: @escaping @Sendable (DownloadEvent) -> Void) {
        self.partial = partial
        self.target = target
        offset = partial.length
        knownTotal = total
        self.onEvent = onEvent
    }

    var sink: BodySink {
        BodySink(acceptResponse: { [self] in accept(status: $0, headers: $1) }, take: { [self] in take($0) })
    }

    /// The file's size as the answers said it (or as it was known before).
    var total: Int64? { lock.withLock { knownTotal } }
    /// What stopped the answer from being used, if anything did.
    var failure: Error? { lock.withLock { problem } }
    /// An answer came and its body was taken.
    var started: Bool { lock.withLock { accepted } }
    /// A 416 for a file that is whole already.
    private(set) var alreadyComplete = false

    /// No more bytes are written after this returns (a piece being written is finished first),
    /// and everything taken is on disk.
    func stop() {
        lock.withLock {
            stopped = true
            do {
                try partial.flush()
            } catch {
                if problem == nil { problem = error }
            }
        }
    }

    private var url: String {
        var components = URLComponents(url: target.source, resolvingAgainstBaseURL: false)
        components?.query = nil
        return components?.string ?? target.source.absoluteString
    }

    private func accept(status: Int, headers: [String: String]) -> Bool {
        lock.withLock {
            guard !stopped, !answered else { return false }
            answered = true
            do {
                accepted = try decide(status: status, headers: headers)
            } catch {
                problem = error
                accepted = false
            }
            return accepted
        }
    }

    /// Whether the body of this answer goes on at the partial's end; throws what is wrong with it.
    private func decide(status: Int, headers: [String: String]) throws -> Bool {
        if status == 416, let known = knownTotal ?? ContentRange.parse(headers["content-range"])?.total, known == offset {
            knownTotal = known
            alreadyComplete = true
            return false
        }
        switch status {
        case 200, 206: break
        case 401, 403: throw ModelPullError.unauthorized(url: url, tokenSent: target.headers["Authorization"] != nil)
        case 404: throw ModelPullError.httpStatus(status: 404, url: url, message: "no such file")
        case 408, 429, 500...599: throw HTTPBackendError.serverError(status: status, url: url, message: "")
        default: throw ModelPullError.httpStatus(status: status, url: url, message: "")
        }
        var answerTotal: Int64?
        if status == 206 {
            guard let range = ContentRange.parse(headers["content-range"]), range.first == offset else {
                throw ModelPullError.httpStatus(status: 206, url: url, message: "a range other than the one asked for")
            }
            answerTotal = range.total
        } else {
            // 200: the whole file, whatever was asked. What is on disk is replaced.
            if offset > 0 { try partial.truncate() }
            answerTotal = headers["content-length"].flatMap { Int64($0) }
        }
        if let answerTotal {
            if let expected = knownTotal, expected != answerTotal {
                discard()
                throw ModelPullError.sizeMismatch(file: target.fileName, expected: expected, actual: answerTotal)
            }
            if knownTotal == nil {
                if let available = OwnFiles.availableBytes(in: target.directory), answerTotal - partial.length > available {
                    throw ModelPullError.notEnoughSpace(
                        directory: target.directory.path, needed: answerTotal - partial.length, available: available)
                }
                knownTotal = answerTotal
            }
        }
        return true
    }

    private func take(_ data: UnsafeRawBufferPointer) -> Bool {
        let progress: (Int64, Int64?)? = lock.withLock {
            guard !stopped, accepted, problem == nil else { return nil }
            do {
                try partial.append(data)
            } catch {
                problem = error
                return nil
            }
            if let total = knownTotal, partial.length > total {
                discard()
                problem = ModelPullError.sizeMismatch(file: target.fileName, expected: total, actual: partial.length)
                return nil
            }
            return (partial.length, knownTotal)
        }
        guard let progress else { return false }
        onEvent(.progress(received: progress.0, total: progress.1))
        return true
    }

    /// Removes the partial and its sidecar: what they hold is not the file wanted.
    private func discard() {
        Platform.removeFile(target.partialURL)
        Platform.removeFile(target.sidecarURL)
    }
}
