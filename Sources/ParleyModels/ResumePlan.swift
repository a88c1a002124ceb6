import Foundation

/// What to do with a partial download found on disk. Pure: the decision is made from the sidecar,
/// the partial's length and the file now wanted, so every case is tested without a disk.
public enum ResumePlan: Equatable, Sendable {
    /// Nothing on disk: start at byte 0.
    case fresh
    /// Continue with a Range request from this byte: everything before it is already on disk.
    case resume(from: Int64)
    /// The partial cannot be trusted for this file (why): empty it and start at 0.
    case restart(String)
    /// All the bytes are there already: only the check remains.
    case complete

    /// - Parameters:
    ///   - sidecar: the sidecar beside the partial, if one could be read.
    ///   - partialLength: the partial file's length, nil when there is none.
    ///   - wanted: the sidecar the download now would write.
    public static func decide(sidecar: DownloadSidecar?, partialLength: Int64?, wanted: DownloadSidecar) -> ResumePlan {
        guard let length = partialLength else { return .fresh }
        guard let sidecar else { return length == 0 ? .fresh : .restart("nothing says where it came from") }
        guard sidecar.source == wanted.source, sidecar.sha256 == wanted.sha256,
            sidecar.size == nil || wanted.size == nil || sidecar.size == wanted.size
        else { return .restart("it was the beginning of another file") }
        if length == 0 { return .fresh }
        if let size = wanted.size ?? sidecar.size {
            if length > size { return .restart("it is longer than the file") }
            if length == size { return .complete }
        }
        return .resume(from: length)
    }
}
