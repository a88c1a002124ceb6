import Foundation
import ParleyCore
import ParleyHTTP

/// Talks to the Hub's listing API: which files a repository has, their sizes and SHA-256s.
public struct HubClient: Sendable {
    public let endpoint: HubEndpoint
    public var idleTimeout: Double = 30

    public init(endpoint: HubEndpoint) {
        self.endpoint = endpoint
    }

    /// `GET {endpoint}/api/models/{repo}/tree/main`: the repository's files.
    public func files(of repo: String) async throws -> [HubFile] {
        let url = endpoint.treeURL(repo: repo)
        let headers = endpoint.headers(for: url)
        let shown = url.absoluteString
        var status = 0
        var body = Data()
        do {
            reading: for try await event in HTTPGet.stream(url, headers: headers, idleTimeout: idleTimeout) {
                switch event {
                case .response(let code, _):
                    status = code
                case .bytes(let data):
                    body.append(data)
                    // An error page is read only as far as its first 64 KiB.
                    let limit = status >= 400 ? 64 << 10 : HubFile.maxListingBytes
                    if body.count > limit {
                        if status >= 400 { break reading }
                        throw ModelPullError.malformedListing(
                            url: shown, why: "it is longer than the \(ByteCountText.describe(HubFile.maxListingBytes)) allowed")
                    }
                }
            }
        } catch let error as ModelPullError {
            throw error
        } catch {
            let context = ErrorClassifier.Context(
                url: shown, model: "", keySource: "HF_TOKEN", keyWasSent: !headers.isEmpty, secret: endpoint.secret)
            let mapped = try HTTPBackendError.transportFailure(
                error, url: shown, host: url.host ?? "", context: context, replyStarted: false, idleTimeout: idleTimeout)
            throw ModelPullError.network(mapped.description)
        }
        switch status {
        case 200:
            break
        case 401, 403:
            throw ModelPullError.unauthorized(url: shown, tokenSent: !headers.isEmpty)
        case 404:
            throw ModelPullError.repoNotFound(repo: repo, endpoint: endpoint.base.absoluteString)
        default:
            let message = ServerErrorBody.parse(body).message
            throw ModelPullError.httpStatus(status: status, url: shown, message: ServerText.clean(message, limit: 200, redacting: endpoint.secret))
        }
        guard let files = HubFile.parseListing(body) else {
            throw ModelPullError.malformedListing(url: shown, why: "it is not a JSON list of files")
        }
        return files
    }
}
