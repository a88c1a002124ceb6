import Foundation

extension HTTPBackendError {
    /// What a failure of the transport means for the user: the same words for a chat reply, a
    /// model list or a model download. A cancelled request rethrows the cancellation instead.
    public static func transportFailure(
        _ error: Error, url: String, host: String, context: ErrorClassifier.Context, replyStarted: Bool,
        idleTimeout: Double
    ) throws -> HTTPBackendError {
        switch error {
        case let error as HTTPBackendError:
            return error
        case is TransportIdleTimeout:
            return .idleTimeout(url: url, seconds: idleTimeout)
        case let refused as TransportRedirectRefused:
            return .redirectRefused(url: url, location: refused.location)
        case is TransportRedirectLoop:
            return .tooManyRedirects(url: url, count: RedirectPolicy.maxRedirects)
        case is TransportResendRefused:
            return .connectionDropped(url: url, partialReplyKept: false)
        case is TransportFlowOverrun:
            return .overrun(url: url, limit: TransportFlow.limit, partialReplyKept: replyStarted)
        default:
            try Task.checkCancellation()
            let nsError = error as NSError
            return ErrorClassifier.classify(
                urlErrorCode: nsError.code, detail: nsError.localizedDescription, host: host, context: context,
                replyStarted: replyStarted, idleTimeout: idleTimeout)
        }
    }
}
