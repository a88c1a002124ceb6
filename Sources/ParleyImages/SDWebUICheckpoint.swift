import Foundation

/// A checkpoint as SD WebUI lists it (`GET /sdapi/v1/sd-models`): its title, which
/// `override_settings.sd_model_checkpoint` takes ("v1-5-pruned.safetensors [6ce0161689]"), and its
/// short name ("v1-5-pruned").
public struct SDWebUICheckpoint: Sendable, Equatable {
    public var title: String
    public var modelName: String

    public init(title: String, modelName: String) {
        self.title = title
        self.modelName = modelName
    }

    /// The title without its trailing hash: "v1-5-pruned.safetensors [6ce0161689]" → "v1-5-pruned.safetensors".
    var fileName: String {
        guard title.hasSuffix("]"), let open = title.lastIndex(of: "[") else { return title }
        return title[..<open].trimmingCharacters(in: .whitespaces)
    }

    /// The checkpoint `wanted` names, as people name them: the exact title; else, ignoring case,
    /// the title, the file name or the short name; else the one whose title or short name starts
    /// with it. A name that fits several, or none, is an error listing what the server has: sent
    /// as it was typed, SD WebUI would draw with whatever checkpoint it has loaded.
    public static func resolve(_ wanted: String, in list: [SDWebUICheckpoint]) -> Result<SDWebUICheckpoint, ImageError> {
        if let exact = list.first(where: { $0.title == wanted }) { return .success(exact) }
        let folded = wanted.lowercased()
        let named = list.filter { [$0.title, $0.fileName, $0.modelName].contains { $0.lowercased() == folded } }
        if named.count == 1 { return .success(named[0]) }
        let started = named.isEmpty
            ? list.filter { $0.title.lowercased().hasPrefix(folded) || $0.modelName.lowercased().hasPrefix(folded) } : named
        switch started.count {
        case 1: return .success(started[0])
        case 0: return .failure(.unknownCheckpoint(name: wanted, available: list.map(\.title)))
        default: return .failure(.ambiguousCheckpoint(name: wanted, matches: started.map(\.title)))
        }
    }
}
