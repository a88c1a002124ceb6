import Foundation

/// What `parley models pull SPEC` was asked for, parsed and checked before anything is fetched.
///
/// - `hf:OWNER/REPO`, `hf:OWNER/REPO:FILE.gguf` or `hf:OWNER/REPO:QUANT` (`Q4_K_M`): a file of a
///   repository on the Hub;
/// - `https://…/NAME.gguf`: one file (plain `http://` only for this machine, for tests and local
///   mirrors);
/// - anything else: a name in the catalog.
public enum ModelSpec: Equatable, Sendable {
    case hub(HubReference)
    case url(URL)
    case catalog(String)

    public static func parse(_ text: String) throws(ModelSpecError) -> ModelSpec {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .empty }
        guard trimmed.utf8.count <= 512, !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .malformed(trimmed, "too long or holds control characters")
        }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("hf:") {
            return .hub(try HubReference.parse(String(trimmed.dropFirst(3))))
        }
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") {
            return .url(try parseURL(trimmed))
        }
        guard trimmed.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "-._".unicodeScalars.contains($0) }) else {
            throw .malformed(trimmed, "not hf:OWNER/REPO[:FILE|:QUANT], an https:// URL of a .gguf file, or a catalog name")
        }
        return .catalog(lower)
    }

    private static func parseURL(_ text: String) throws(ModelSpecError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw .malformed(text, "not a URL")
        }
        if scheme == "http" && !isThisMachine(host) {
            throw .malformed(text, "a model URL must be https:// (plain http:// only for this machine)")
        }
        guard url.user == nil, url.password == nil else {
            throw .malformed(text, "a URL with a user name or password; give a token through HF_TOKEN instead")
        }
        guard url.path.lowercased().hasSuffix(".gguf") else {
            throw .malformed(text, "the URL does not name a .gguf file")
        }
        return url
    }

    static func isThisMachine(_ host: String) -> Bool {
        let lower = host.lowercased()
        return lower == "localhost" || lower.hasPrefix("127.") || lower == "::1" || lower == "[::1]"
    }
}
