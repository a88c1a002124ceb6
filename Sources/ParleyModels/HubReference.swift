import Foundation

/// A repository on the Hub and which of its files is wanted.
public struct HubReference: Equatable, Sendable {
    public var owner: String
    public var name: String
    public var choice: HubFileChoice

    public var repo: String { "\(owner)/\(name)" }

    public init(owner: String, name: String, choice: HubFileChoice) {
        self.owner = owner
        self.name = name
        self.choice = choice
    }

    /// `OWNER/REPO[:FILE|:QUANT]`.
    static func parse(_ text: String) throws(ModelSpecError) -> HubReference {
        let repoPart: Substring
        var choice = HubFileChoice.automatic
        if let colon = text.firstIndex(of: ":") {
            repoPart = text[..<colon]
            let selector = String(text[text.index(after: colon)...])
            guard !selector.isEmpty else { throw .malformed("hf:" + text, "nothing after the ':'") }
            if selector.lowercased().hasSuffix(".gguf") {
                let parts = selector.split(separator: "/", omittingEmptySubsequences: false)
                guard !selector.hasPrefix("/"), parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
                    throw .malformed("hf:" + text, "the file name \(selector) is not a path inside the repository")
                }
                choice = .file(selector)
            } else {
                guard selector.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "_" }) else {
                    throw .malformed("hf:" + text, "\(selector) is neither a .gguf file name nor a quantisation such as Q4_K_M")
                }
                choice = .quant(selector.uppercased())
            }
        } else {
            repoPart = Substring(text)
        }
        let pieces = repoPart.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, pieces.allSatisfy(isRepoNamePart) else {
            throw .malformed("hf:" + text, "the repository must be OWNER/REPO (letters, digits, '-', '_', '.')")
        }
        return HubReference(owner: String(pieces[0]), name: String(pieces[1]), choice: choice)
    }

    private static func isRepoNamePart(_ part: Substring) -> Bool {
        !part.isEmpty && part.count <= 96 && !part.hasPrefix(".") && !part.hasPrefix("-") && !part.contains("..")
            && part.unicodeScalars.allSatisfy { ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || "-_.".unicodeScalars.contains($0) }
    }
}

/// Which file of a repository: named, by quantisation, or the only (or the usual Q4_K_M) one.
public enum HubFileChoice: Equatable, Sendable {
    case automatic
    case file(String)
    case quant(String)
}
