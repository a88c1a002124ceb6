#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyCore
import ParleyHTTP
import ParleyStore

/// Downloads one model file into `<storage>/models/`, resumably and checked.
///
/// The bytes go into `NAME.partial` (locked with `flock`, so two pulls of one file never write it
/// together) beside `NAME.partial.json`, which says what they are the beginning of. Whatever stops
/// a download — Ctrl-C, SIGKILL, a dropped connection — the partial keeps every byte written, and
/// the next attempt asks only for the rest (`Range: bytes=N-`); a dropped connection is retried at
/// once, from what is on disk, while attempts make progress. The SHA-256 is computed as the bytes
/// arrive (the part already on disk is read back once, never fetched again) and checked before the
/// partial is renamed to `NAME`; on a mismatch nothing is kept.
public struct ModelDownloader: Sendable {
    /// Seconds without a byte before a connection counts as dropped.
    public var idleTimeout: Double = 30
    /// Attempts in a row that bring no new byte before giving up.
    public var attemptsWithoutProgress = 5
    /// Seconds to wait before attempt `n` (1, 2, …) after a failure.
    public var retryDelay: @Sendable (Int) -> Double = { attempt in min(8, 0.5 * Double(1 << min(attempt - 1, 4))) }
    public var onEvent: @Sendable (DownloadEvent) -> Void

    public init(onEvent: @escaping @Sendable (DownloadEvent) -> Void = { _ in }) {
        self.onEvent = onEvent
    }

    public func download(_ target: DownloadTarget) async throws -> DownloadResult {
        let partial = try PartialFile.open(target)
        defer { partial.close() }
        let wanted = target.sidecar(now: Date())
        switch ResumePlan.decide(sidecar: DownloadSidecar.read(target.sidecarURL), partialLength: partial.length, wanted: wanted) {
        case .fresh, .restart:
            try partial.truncate()
            try storageStep(target.sidecarURL) { try wanted.write(target.sidecarURL) }
        case .resume, .complete:
            try partial.hashExistingBytes()
        }
        var total = target.size
        try checkSpace(target, needed: total.map { $0 - partial.length })
        onEvent(.started(total: total, resumedFrom: partial.length))

        let startLength = partial.length
        var failures = 0
        while total.map({ partial.length < $0 }) ?? true {
            let before = partial.length
            do {
                let finished = try await fetch(target, into: partial, total: &total)
                if finished { break }
                // The answer ended before the file did (a `Connection: close` answer cut short).
                throw HTTPBackendError.connectionDropped(url: display(target.source), partialReplyKept: true)
            } catch let error as HTTPBackendError where isRetryable(error) {
                if Task.isCancelled { throw interrupted(target, partial, total) }
                failures = partial.length > before ? 1 : failures + 1
                if failures >= attemptsWithoutProgress {
                    throw ModelPullError.gaveUp(url: display(target.source), attempts: failures, last: error.description)
                }
                onEvent(.retrying(error.description, received: partial.length))
                do {
                    try await Task.sleep(for: .seconds(retryDelay(failures)))
                } catch {
                    throw interrupted(target, partial, total)
                }
            } catch is CancellationError {
                throw interrupted(target, partial, total)
            }
        }

        onEvent(.verifying)
        let digest = try partial.finishHash()
        if let expected = total, partial.length != expected {
            discard(target)
            throw ModelPullError.sizeMismatch(file: target.fileName, expected: expected, actual: partial.length)
        }
        if let expected = target.sha256, digest != expected {
            discard(target)
            throw ModelPullError.hashMismatch(file: target.fileName, expected: expected, actual: digest)
        }
        try storageStep(target.finalURL) { try partial.commit(to: target.finalURL) }
        Platform.removeFile(target.sidecarURL)
        return DownloadResult(url: target.finalURL, size: partial.length, sha256: digest, fetched: partial.length - startLength)
    }

    /// One request from the partial's end to wherever the answer stops, its body written into the
    /// partial file where it arrives. True when the file is complete (its known total reached, or
    /// an answer of unknown length ended normally).
    private func fetch(_ target: DownloadTarget, into partial: PartialFile, total: inout Int64?) async throws -> Bool {
        var headers = target.headers
        headers["Accept-Encoding"] = "identity"
        let offset = partial.length
        if offset > 0 { headers["Range"] = "bytes=\(offset)-" }
        let url = display(target.source)
        let writer = ResponseWriter(partial: partial, target: target, total: total, onEvent: onEvent)
        defer {
            writer.stop()
            total = writer.total
        }
        do {
            for try await _ in HTTPGet.stream(target.source, headers: headers, idleTimeout: idleTimeout, sink: writer.sink) {}
        } catch {
            // A refused answer is stopped by cancelling it: its reason counts, not the cancel.
            writer.stop()
            if let failure = writer.failure { throw failure }
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            let context = ErrorClassifier.Context(url: url, model: "", keySource: "HF_TOKEN", keyWasSent: target.headers["Authorization"] != nil)
            throw try HTTPBackendError.transportFailure(
                error, url: url, host: target.source.host ?? "", context: context, replyStarted: writer.started, idleTimeout: idleTimeout)
        }
        writer.stop()
        if let failure = writer.failure { throw failure }
        if Task.isCancelled { throw CancellationError() }
        if writer.alreadyComplete { return true }
        if let known = writer.total { return partial.length >= known }
        return writer.started
    }

    private func isRetryable(_ error: HTTPBackendError) -> Bool {
        switch error {
        case .connectionDropped, .serverError, .rateLimited, .idleTimeout, .overrun, .network: return true
        default: return false
        }
    }

    private func checkSpace(_ target: DownloadTarget, needed: Int64?) throws {
        guard let needed, needed > 0, let available = OwnFiles.availableBytes(in: target.directory) else { return }
        if needed > available {
            throw ModelPullError.notEnoughSpace(directory: target.directory.path, needed: needed, available: available)
        }
    }

    private func interrupted(_ target: DownloadTarget, _ partial: PartialFile, _ total: Int64?) -> ModelPullError {
        .interrupted(file: target.fileName, kept: partial.length, total: total)
    }

    /// Removes the partial and its sidecar: what they hold is not the file wanted.
    private func discard(_ target: DownloadTarget) {
        Platform.removeFile(target.partialURL)
        Platform.removeFile(target.sidecarURL)
    }

    private func display(_ url: URL) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.query = nil
        components?.user = nil
        components?.password = nil
        return components?.string ?? url.absoluteString
    }

    private func storageStep(_ url: URL, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ModelPullError {
            throw error
        } catch let error as UserFacingError {
            throw ModelPullError.storage(error.description)
        } catch {
            throw ModelPullError.storage("\(url.path): \(error)")
        }
    }
}
