import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A plain GET through the same transport as the chat requests: one shared URLSession, redirects
/// followed by `RedirectPolicy` (an Authorization header never travels to another origin), the
/// idle timeout, and at most `TransportFlow.limit` bytes waiting for the consumer. For model
/// downloads and listings; errors map through `HTTPBackendError.transportFailure`.
public enum HTTPGet {
    /// The status, headers and body of the answer to GET `url`, as they arrive. Ending the
    /// iteration (or cancelling its task) cancels the request.
    ///
    /// With a `sink`, the body of the final answer goes to the sink instead, piece by piece as it
    /// arrives (on Linux through libcurl directly, see `LibcurlDownload`; else on URLSession's
    /// delegate queue), and the stream carries only the status line and
    /// headers: a download written to disk that way never waits behind a reader (FoundationNetworking
    /// cannot pause a transfer, and a reader that fell 16 MiB behind a server on this machine had
    /// its transfer stopped).
    public static func stream(_ url: URL, headers: [String: String], idleTimeout: Double, sink: BodySink? = nil) -> TransportEvents {
        var request = URLRequest(url: url)
        request.httpMethod = "GET"
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        #if os(Linux)
            if let sink, LibcurlDownload.isAvailable {
                return LibcurlDownload.stream(request, idleTimeout: idleTimeout, sink: sink)
            }
        #endif
        return HTTPStreamTransport.stream(request, idleTimeout: idleTimeout, sink: sink)
    }
}

/// Takes an answer's body where it arrives (see `HTTPGet.stream`). Both calls come on the
/// transfer's thread, one at a time, in order; returning false stops the transfer.
public struct BodySink: Sendable {
    /// The final answer's status and lowercased headers; false refuses its body.
    public var acceptResponse: @Sendable (Int, [String: String]) -> Bool
    /// One piece of the accepted body, valid only during the call; false when it could not be taken.
    public var take: @Sendable (UnsafeRawBufferPointer) -> Bool

    public init(
        acceptResponse: @escaping @Sendable (Int, [String: String]) -> Bool, take: @escaping @Sendable (UnsafeRawBufferPointer) -> Bool
    ) {
        self.acceptResponse = acceptResponse
        self.take = take
    }
}
