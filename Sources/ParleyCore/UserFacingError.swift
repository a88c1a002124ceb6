/// An error that knows the one line to show the user: what went wrong and, where possible, what to do.
public protocol UserFacingError: Error, CustomStringConvertible {}

/// The one-line text for any error: its own description when it is user-facing, a cleaned-up
/// system description otherwise. Always a single sanitised line.
public func oneLineDescription(of error: Error) -> String {
    let text: String
    if let error = error as? UserFacingError {
        text = error.description
    } else {
        text = String(describing: error)
    }
    let flat = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    return TerminalSanitizer.sanitize(flat)
}
