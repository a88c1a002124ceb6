import Foundation
import ParleyStore

extension PictureStore {
    /// Saves a generated picture with its parameters as the sidecar; returns its file name.
    public func save(_ image: GeneratedImage) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let sidecar = try encoder.encode(image.parameters)
        return try save(image.data, fileExtension: image.header.format.fileExtension, sidecar: sidecar)
    }
}
