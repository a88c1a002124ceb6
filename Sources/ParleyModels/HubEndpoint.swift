import Foundation
import ParleyHTTP

/// The Hub to talk to and the token for it, from the Hub's own environment variables.
///
/// `HF_ENDPOINT` replaces the default (a mirror, or the test server); `HF_TOKEN` is sent only to
/// the endpoint's own origin (scheme, host, port): never to another host a URL spec names, and
/// never after a redirect to another host (`RedirectPolicy` drops it there). The token is never
/// stored, printed or put in an error.
public struct HubEndpoint: Sendable {
    /// The Hub itself, unless `HF_ENDPOINT` says otherwise.
    public static let defaultBase = "https://huggingface.co"

    public let base: URL
    let token: String?

    public init(environment: [String: String]) throws(ModelPullError) {
        let text = environment["HF_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultBase
        guard var components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", components.host?.isEmpty == false, components.query == nil,
            components.user == nil, components.password == nil
        else { throw .badEndpoint(text) }
        while components.path.hasSuffix("/") { components.path.removeLast() }
        base = components.url!
        let token = environment["HF_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.token = token?.isEmpty == false ? token : nil
    }

    public var hasToken: Bool { token != nil }

    /// Where the repository's files are listed.
    public func treeURL(repo: String) -> URL {
        base.appendingPathComponent("api/models/\(repo)/tree/main")
    }

    /// Where one file of the repository is downloaded from (the Hub answers with a redirect).
    public func resolveURL(repo: String, file: String) -> URL {
        var url = base.appendingPathComponent(repo).appendingPathComponent("resolve/main")
        for part in file.split(separator: "/") { url.appendPathComponent(String(part)) }
        return url
    }

    /// The request headers for `url`: the token only when `url` is on the endpoint's origin.
    public func headers(for url: URL) -> [String: String] {
        guard let token, RedirectPolicy.sameOrigin(base, url) else { return [:] }
        return ["Authorization": "Bearer \(token)"]
    }

    /// The token, only so an error text a server echoes can have it masked.
    var secret: String? { token }
}
