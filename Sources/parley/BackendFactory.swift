import Foundation
import ParleyConfig
import ParleyCore

/// Builds the backend a command asked for, from the config and the command-line overrides.
struct BackendFactory {
    let context: AppContext

    struct Failure: UserFacingError {
        var description: String
    }

    func make(_ options: BackendOptions, preferred: String? = nil) throws -> any ChatBackend {
        throw Failure(description: "backends are not wired yet")
    }
}
