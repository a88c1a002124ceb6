import Foundation

/// The name a model is shown under (the status line, stored replies, listings): its
/// `general.name`, cleaned up, else the file's base name.
///
/// llama.cpp's converter writes a `general.name` of its own when the model card gives none: the
/// words of the source directory's name, title-cased (`Smollm2 135M 8k Lc100K Mix1 Ep2` for
/// SmolLM2-135M-Instruct). Such a name is `general.basename`, `general.size_label` and
/// `general.finetune` again, title-cased. When the base name is all lower case, so that the name's
/// casing is the converter's guess, and the file's own name holds the base name with capitals, the
/// file's name is the recognisable one (`SmolLM2-135M-Instruct`) and is preferred. A name the model
/// card gave (`Qwen2.5 1.5B Instruct`, base name `Qwen2.5`) is kept.
public enum ModelDisplayName {
    /// The longest name shown; longer ones are cut with "…".
    public static let maximumLength = 64

    public static func choose(
        generalName: String?, baseName: String? = nil, sizeLabel: String? = nil, fineTune: String? = nil, fileName: String
    ) -> String {
        let stem = fileStem(fileName)
        guard let name = generalName.map(clean), !name.isEmpty else { return stem.isEmpty ? fileName : clip(stem) }
        // The converter's name carries no casing when the base name has none (`smollm2`); a file
        // name that holds the base name with capitals (`SmolLM2-…`) does.
        if isConverterName(name, baseName: baseName, sizeLabel: sizeLabel, fineTune: fineTune),
            let baseName, baseName == baseName.lowercased(), !squeezed(baseName).isEmpty,
            squeezed(stem).contains(squeezed(baseName)), stem != stem.lowercased()
        {
            return clip(stem)
        }
        return clip(name)
    }

    /// A file name without `.gguf` and without a quantisation tag at its end
    /// (`SmolLM2-135M-Instruct.Q4_1.gguf` → `SmolLM2-135M-Instruct`, `…-Q4_K_M.gguf`, `…-f16.gguf`).
    public static func fileStem(_ fileName: String) -> String {
        var stem = clean((fileName as NSString).lastPathComponent)
        if stem.lowercased().hasSuffix(".gguf") { stem = String(stem.dropLast(5)) }
        let pattern = #"[-._](?:[iI]?[qQ][0-9]+(?:_[0-9A-Za-z]+)*|[bB]?[fF]16|[fF]32|[fF][pP]16)$"#
        if let range = stem.range(of: pattern, options: .regularExpression), range.lowerBound > stem.startIndex {
            stem = String(stem[..<range.lowerBound])
        }
        return stem
    }

    /// Whether `name` is only the base name, size label and fine-tune words again (letters and
    /// digits compared without case), as the converter makes it.
    public static func isConverterName(_ name: String, baseName: String?, sizeLabel: String?, fineTune: String?) -> Bool {
        let parts = [baseName, sizeLabel, fineTune].compactMap { $0 }
        guard let first = parts.first, !squeezed(first).isEmpty else { return false }
        return squeezed(name) == parts.map(squeezed).joined()
    }

    /// Control characters out, runs of white space as one space, trimmed.
    static func clean(_ text: String) -> String {
        let visible = String(String.UnicodeScalarView(text.unicodeScalars.map {
            CharacterSet.controlCharacters.contains($0) || CharacterSet.whitespacesAndNewlines.contains($0) ? " " : $0
        }))
        return visible.split(separator: " ").joined(separator: " ")
    }

    /// Letters and digits only, lowercased: what two spellings of one name share.
    static func squeezed(_ text: String) -> String {
        String(String.UnicodeScalarView(text.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }))
    }

    static func clip(_ text: String) -> String {
        text.count <= maximumLength ? text : String(text.prefix(maximumLength - 1)) + "…"
    }
}

extension GGUFFile {
    /// The name to show for this model (see `ModelDisplayName`); `fileName` when the file was not
    /// read from a path.
    public func displayName(fileName: String? = nil) -> String {
        ModelDisplayName.choose(
            generalName: metadata.string("general.name"), baseName: metadata.string("general.basename"),
            sizeLabel: metadata.string("general.size_label"), fineTune: metadata.string("general.finetune"),
            fileName: fileName ?? path ?? "model.gguf")
    }
}
