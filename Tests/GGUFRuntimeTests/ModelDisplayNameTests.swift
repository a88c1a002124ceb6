import Foundation
import Testing

import ParleyTestSupport

@testable import GGUFRuntime

@Suite("Model display names")
struct ModelDisplayNameTests {
    /// The default model's metadata: the converter made `general.name` from the training run's
    /// directory name; the file's own name is the one people know.
    @Test func theConvertersTitleCasedNameGivesWayToTheFileName() {
        let name = ModelDisplayName.choose(
            generalName: "Smollm2 135M 8k Lc100K Mix1 Ep2", baseName: "smollm2", sizeLabel: "135M", fineTune: "8k-lc100k-mix1-ep2",
            fileName: "SmolLM2-135M-Instruct.Q4_1.gguf")
        #expect(name == "SmolLM2-135M-Instruct")
        #expect(ModelDisplayName.isConverterName(
            "Smollm2 135M 8k Lc100K Mix1 Ep2", baseName: "smollm2", sizeLabel: "135M", fineTune: "8k-lc100k-mix1-ep2"))
    }

    @Test func aRealNameIsKeptCleanedUp() {
        #expect(ModelDisplayName.choose(
            generalName: "  Qwen2.5 1.5B\tInstruct\n", baseName: "Qwen2.5", sizeLabel: "1.5B", fineTune: "Instruct",
            fileName: "qwen2.5-1.5b-instruct-q4_k_m.gguf") == "Qwen2.5 1.5B Instruct")
        #expect(ModelDisplayName.choose(generalName: "Llama 3.2 1B Instruct", fileName: "Llama-3.2-1B-Instruct-Q4_K_M.gguf")
            == "Llama 3.2 1B Instruct")
        #expect(ModelDisplayName.choose(generalName: "Parley test model from SmolLM2-135M-Instruct", fileName: "qwen2.gguf")
            == "Parley test model from SmolLM2-135M-Instruct")
        #expect(ModelDisplayName.choose(generalName: "a\u{1B}[31mred\u{7}", fileName: "x.gguf") == "a [31mred")
        let long = ModelDisplayName.choose(generalName: String(repeating: "n", count: 200), fileName: "x.gguf")
        #expect(long.count == ModelDisplayName.maximumLength && long.hasSuffix("…"))
    }

    /// A converter name whose base name the file name does not hold, or holds without capitals:
    /// nothing better is known.
    @Test func aConverterNameStaysWhenTheFileNameIsNoBetter() {
        #expect(ModelDisplayName.choose(
            generalName: "Smollm2 135M", baseName: "smollm2", sizeLabel: "135M", fileName: "model.gguf") == "Smollm2 135M")
        #expect(ModelDisplayName.choose(
            generalName: "Smollm2 135M", baseName: "smollm2", sizeLabel: "135M", fileName: "smollm2-135m-q8_0.gguf") == "Smollm2 135M")
    }

    @Test func withoutANameTheFilesBaseNameWithoutItsQuantisation() {
        #expect(ModelDisplayName.choose(generalName: nil, fileName: "SmolLM2-135M-Instruct.Q4_1.gguf") == "SmolLM2-135M-Instruct")
        #expect(ModelDisplayName.choose(generalName: "   ", fileName: "/models/Mistral-7B-v0.3-Q4_K_M.gguf") == "Mistral-7B-v0.3")
        for (file, stem) in [
            ("a-f16.gguf", "a"), ("a.BF16.gguf", "a"), ("a-IQ4_XS.gguf", "a"), ("a_q8_0.gguf", "a"), ("a-F32.gguf", "a"),
            ("Phi-3.5-mini.gguf", "Phi-3.5-mini"), ("Q4_0.gguf", "Q4_0"), ("model", "model"), ("v2-q4", "v2"),
        ] {
            #expect(ModelDisplayName.fileStem(file) == stem, "\(file)")
        }
    }

    @Test func theDefaultModelFileShowsItsKnownName() throws {
        let path = PackageFiles.defaultModelPath
        guard FileManager.default.fileExists(atPath: path) else { return }
        let file = try GGUFFile(path: path)
        #expect(file.displayName() == "SmolLM2-135M-Instruct")
    }
}
