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
    public static func stream(_ url: URL, headers: [String: String], idleTimeout: Double) -> TransportEvents {
        var request = URLRequest(url: url)
        request.httpMethod = "GET"
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return HTTPStreamTransport.stream(request, idleTimeout: idleTimeout)
    }
}
