/// A thumbs-up or thumbs-down on one version of a reply.
public enum Rating: String, Codable, Sendable, CaseIterable {
    case up, down
}
