import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Decides how a redirect is followed. Redirects are followed by Parley itself, not by
/// URLSession, because FoundationNetworking on Linux loses a POST body on a 307/308 and offers no
/// control over which headers travel.
public enum RedirectPolicy {
    /// Redirects followed for one request before giving up.
    public static let maxRedirects = 5

    /// The statuses that redirect (others, such as 300 or 304, are answers).
    public static func isRedirect(_ status: Int) -> Bool { [301, 302, 303, 307, 308].contains(status) }

    /// The request to send next, or nil when `status` is not a redirect to follow.
    ///
    /// The method and body are kept (303 turns into a GET), and the Authorization header is
    /// dropped whenever the target is not the origin (scheme, host, port) of the first request,
    /// so a key is never handed to another host.
    public static func follow(
        status: Int, location: String?, from current: URLRequest, original: URLRequest
    ) -> URLRequest? {
        guard isRedirect(status), let location, let base = current.url,
            let target = URL(string: location, relativeTo: base)?.absoluteURL,
            let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { return nil }
        var next = current
        next.url = target
        if status == 303 {
            next.httpMethod = "GET"
            next.httpBody = nil
            next.setValue(nil, forHTTPHeaderField: "Content-Type")
        }
        if !sameOrigin(original.url, target) {
            next.setValue(nil, forHTTPHeaderField: "Authorization")
        }
        return next
    }

    public static func sameOrigin(_ a: URL?, _ b: URL?) -> Bool {
        guard let a, let b else { return false }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased()
            && effectivePort(a) == effectivePort(b)
    }

    private static func effectivePort(_ url: URL) -> Int? {
        url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
    }
}
