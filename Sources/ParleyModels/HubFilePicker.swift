import Foundation

/// Picks the file a `hf:` spec means from a repository's listing. Pure.
public enum HubFilePicker {
    /// The quantisation taken when a repository has several GGUF files and none was named: the
    /// usual middle ground of size and quality, and what other tools default to.
    public static let preferredQuant = "Q4_K_M"

    public static func pick(_ files: [HubFile], for reference: HubReference) throws(ModelPullError) -> HubFile {
        let ggufs = files.filter(\.isGGUF)
        switch reference.choice {
        case .file(let name):
            guard let file = files.first(where: { $0.path == name }) else {
                throw .noSuchFile(repo: reference.repo, file: name, available: ggufs.map(\.path))
            }
            return try whole(file, among: ggufs, repo: reference.repo)
        case .quant(let quant):
            let matches = ggufs.filter { carries($0.path, quant: quant) }
            guard !matches.isEmpty else { throw .noSuchQuant(repo: reference.repo, quant: quant, available: quants(in: ggufs)) }
            return try single(matches, repo: reference.repo, asked: quant)
        case .automatic:
            guard !ggufs.isEmpty else { throw .noGGUF(repo: reference.repo) }
            if ggufs.count == 1 { return try whole(ggufs[0], among: ggufs, repo: reference.repo) }
            let preferred = ggufs.filter { carries($0.path, quant: preferredQuant) }
            guard !preferred.isEmpty else { throw .severalFiles(repo: reference.repo, quants: quants(in: ggufs)) }
            return try single(preferred, repo: reference.repo, asked: preferredQuant)
        }
    }

    /// True when the file's name (not its folder) carries `quant` as a whole token: `Q4_K` is not
    /// found in `…-Q4_K_M.gguf`, `q4_k_m` is (case does not matter).
    public static func carries(_ path: String, quant: String) -> Bool {
        let name = Array(fileName(path).uppercased().utf8)
        let token = Array(quant.uppercased().utf8)
        guard !token.isEmpty, name.count >= token.count else { return false }
        func isBoundary(_ index: Int) -> Bool {
            guard index >= 0, index < name.count else { return true }
            let byte = name[index]
            return !((byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || byte == 95)
        }
        for start in 0...(name.count - token.count) where Array(name[start..<start + token.count]) == token {
            if isBoundary(start - 1) && isBoundary(start + token.count) { return true }
        }
        return false
    }

    /// The quantisations a set of files offers, from their names (`Q4_K_M`, `IQ3_XS`, `F16`…).
    static func quants(in files: [HubFile]) -> [String] {
        var seen: [String] = []
        for file in files {
            let stem = fileName(file.path).dropLast(5)  // ".gguf"
            let tokens = stem.split(whereSeparator: { $0 == "-" || $0 == "." })
            if let quant = tokens.last(where: isQuantToken).map({ String($0).uppercased() }), !seen.contains(quant) {
                seen.append(quant)
            }
        }
        return seen
    }

    private static func isQuantToken(_ token: Substring) -> Bool {
        let upper = token.uppercased()
        return ["F16", "F32", "BF16"].contains(upper)
            || ((upper.hasPrefix("Q") || upper.hasPrefix("IQ")) && upper.dropFirst().first.map { $0.isNumber || $0 == "Q" } == true)
    }

    private static func single(_ matches: [HubFile], repo: String, asked: String) throws(ModelPullError) -> HubFile {
        let whole = matches.filter { !isSplitPart($0.path) }
        if whole.count == 1 { return whole[0] }
        if whole.isEmpty { throw .splitFile(repo: repo, file: matches[0].path) }
        throw .ambiguous(repo: repo, asked: asked, files: whole.map(\.path))
    }

    private static func whole(_ file: HubFile, among files: [HubFile], repo: String) throws(ModelPullError) -> HubFile {
        if isSplitPart(file.path) { throw .splitFile(repo: repo, file: file.path) }
        return file
    }

    /// `…-00001-of-00003.gguf`: one part of a model split over several files.
    static func isSplitPart(_ path: String) -> Bool {
        let stem = fileName(path).lowercased().dropLast(5)
        let parts = stem.split(separator: "-")
        guard parts.count >= 3 else { return false }
        let last = parts[parts.count - 1], of = parts[parts.count - 2], number = parts[parts.count - 3]
        return of == "of" && !last.isEmpty && last.allSatisfy(\.isNumber) && !number.isEmpty && number.allSatisfy(\.isNumber)
    }

    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
