import ParleyHTTP
import ParleyImages

/// A chat backend whose server says which models it offers (`/model` completion). Local models
/// are listed from `<storage>/models/` instead.
protocol ServerModelListing: Sendable {
    func listModels() async throws -> [String]
}

extension OpenAIBackend: ServerModelListing {}

/// An image backend whose server lists its LoRAs (SD WebUI), for `<lora:` completion in `/image`.
protocol ImageLoRAListing: Sendable {
    func loraNames() async throws -> [String]
}

extension SDWebUIBackend: ImageLoRAListing {}
