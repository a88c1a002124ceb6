import ArgumentParser
import Foundation
import ParleyConfig
import ParleyHTTP
import ParleyImages

/// Which picture generator to use: `--image-backend NAME` (an `[images.NAME]` table, or a kind,
/// `sdwebui` or `openai`, with `--base-url`), else the only `[images.*]` table configured.
struct ImageBackendOptions: ParsableArguments {
    @Option(name: .customLong("image-backend"), help: ArgumentHelp(
        "An [images.NAME] table, or a kind (sdwebui, openai) used with --base-url.", valueName: "name"))
    var imageBackend: String?

    @Option(name: .customLong("base-url"), help: ArgumentHelp("The image server's URL (SD WebUI: http://127.0.0.1:7860).", valueName: "url"))
    var baseURL: String?

    @Option(name: .customLong("api-key-env"), help: ArgumentHelp("The environment variable holding the API key.", valueName: "name"))
    var apiKeyEnv: String?

    func make(context: AppContext) throws -> any ImageBackend {
        let endpoint = try endpoint(config: context.config)
        let resolver = APIKeyResolver(environment: context.environment)
        switch endpoint.kind {
        case .sdwebui: return SDWebUIBackend(endpoint: endpoint, keyResolver: resolver)
        case .openai: return OpenAIImagesBackend(endpoint: endpoint, keyResolver: resolver)
        }
    }

    func endpoint(config: ParleyConfig) throws -> ImageEndpoint {
        let configured = config.imageBackends
        var table: ImageBackendConfig?
        var kind: ImageBackendKind?
        if let name = imageBackend {
            if let found = configured[name] {
                table = found
            } else if let named = ImageBackendKind(rawValue: name) {
                kind = named
            } else {
                let known = (configured.keys.sorted() + ImageBackendKind.allCases.map(\.rawValue)).joined(separator: ", ")
                throw ValidationError("no image backend named '\(name)' (known: \(known))")
            }
        } else if baseURL != nil {
            kind = .sdwebui
        } else if configured.count == 1 {
            table = configured.values.first
        } else if configured.isEmpty {
            throw ValidationError("no image backend is configured; add an [images.NAME] table or pass --image-backend sdwebui --base-url URL")
        } else {
            throw ValidationError("several image backends are configured (\(configured.keys.sorted().joined(separator: ", "))); choose one with --image-backend NAME")
        }
        let chosenKind = try kind ?? ImageBackendKind(rawValue: table?.kind ?? "").orThrow("unknown image backend kind")
        guard let url = try baseURL.map(OpenAIEndpoint.baseURL(from:)) ?? table?.baseURL else {
            throw ValidationError("--image-backend \(chosenKind.rawValue) needs --base-url URL")
        }
        var key: APIKeySource = .none
        if let variable = apiKeyEnv ?? table?.apiKeyEnv {
            key = .environment(variable)
        } else if let command = table?.apiKeyCommand {
            key = .command(command)
        } else if chosenKind == .openai {
            key = .environment("OPENAI_API_KEY")
        }
        let settings = WholeBodyClient.Settings(
            apiKey: key, idleTimeout: table?.idleTimeout ?? 300, deadline: table?.timeout ?? 900)
        return ImageEndpoint(name: table?.name ?? chosenKind.rawValue, kind: chosenKind, baseURL: url, model: table?.model, settings: settings)
    }
}

extension Optional {
    fileprivate func orThrow(_ message: String) throws -> Wrapped {
        guard let value = self else { throw ValidationError(message) }
        return value
    }
}
