import Foundation
import ParleyTestThreads
import Testing
@testable import ParleyConfig

@Suite("Config file", .heavy)
struct ConfigParserTests {
    let parser = ConfigParser(file: "config.toml")

    @Test func emptyFileGivesBuiltInBackends() throws {
        let config = try parser.parse("")
        #expect(config.defaultBackend == "local")
        #expect(config.backends["local"]?.kind == .local)
        #expect(config.backends["openai"]?.kind == .openai)
        #expect(config.backends["openai"]?.apiKeyEnv == "OPENAI_API_KEY")
    }

    @Test func fullFileIsRead() throws {
        let config = try parser.parse("""
            default_backend = "lan"
            persona = "coder"
            [defaults]
            temperature = 0.2
            max_tokens = 512
            seed = 42
            [backends.lan]
            kind = "openai"
            base_url = "http://127.0.0.1:8080/v1"
            model = "smollm2"
            api_key_env = "LAN_KEY"
            context_size = 8192
            idle_timeout = 30
            stream = false
            [backends.big]
            kind = "local"
            gguf = "~/models/big.gguf"
            threads = 2
            lora = ["~/adapters/style.gguf:0.5", "terse.gguf"]
            """)
        #expect(config.defaultBackend == "lan")
        #expect(config.persona == "coder")
        #expect(config.sampling.temperature == 0.2)
        #expect(config.sampling.maxTokens == 512)
        #expect(config.sampling.seed == 42)
        let lan = try config.backend(named: "lan")
        #expect(lan.baseURL?.absoluteString == "http://127.0.0.1:8080/v1")
        #expect(lan.model == "smollm2")
        #expect(lan.apiKeyEnv == "LAN_KEY")
        #expect(lan.contextSize == 8192)
        #expect(lan.idleTimeout == 30)
        #expect(lan.stream == false)
        #expect(try config.backend(named: "big").threads == 2)
        #expect(try config.backend(named: "big").lora == ["~/adapters/style.gguf:0.5", "terse.gguf"])
        #expect(lan.lora.isEmpty)
    }

    @Test(arguments: [
        ("colour = \"red\"", "config file config.toml: colour: unknown key"),
        ("[backends.x]\nkind = \"ftp\"", "config file config.toml: backends.x.kind: 'ftp' is not a backend kind"),
        ("[backends.x]\nkind = \"openai\"\nbase_url = \"ftp://x\"", "config file config.toml: backends.x.base_url: 'ftp://x' is not an http:// or https:// URL"),
        ("[backends.x]\nmodel = \"m\"", "config file config.toml: backends.x.kind: missing"),
        ("[defaults]\ntemperature = \"hot\"", "config file config.toml: defaults.temperature: expected a number, found a string"),
        ("[defaults]\ntemperature = 9", "config file config.toml: defaults.temperature: 9.0 is out of range"),
        ("[backends.openai]\nthreads = 0", "config file config.toml: backends.openai.threads: 0 is out of range"),
        ("[backends.local]\ntimeout = 5\nbogus = 1", "config file config.toml: backends.local.bogus: unknown key"),
        ("default_backend = \"nope\"", "config file config.toml: default_backend: no backend named 'nope'"),
        ("backends = 3", "config file config.toml: backends: expected a table, found an integer"),
        ("[backends.openai]\nstream = \"no\"", "config file config.toml: backends.openai.stream: expected true or false, found a string"),
        ("[backends.local]\nbase_url = \"http://x\"", "config file config.toml: backends.local.base_url: a local backend has no base URL"),
        ("[backends.local]\nlora = \"a.gguf\"", "config file config.toml: backends.local.lora: expected an array of strings, found a string"),
        ("[backends.local]\nlora = [\"\"]", "config file config.toml: backends.local.lora: expected an array of non-empty strings"),
        ("[backends.openai]\nlora = [\"a.gguf\"]", "config file config.toml: backends.openai.lora: LoRA adapters apply to local backends"),
    ])
    func invalidFilesNameTheKey(text: String, expectedStart: String) {
        do {
            _ = try parser.parse(text)
            Issue.record("accepted invalid config: \(text)")
        } catch {
            let message = String(describing: error)
            #expect(message.hasPrefix(expectedStart), "got: \(message)")
            #expect(!message.contains("\n"))
        }
    }

    @Test func syntaxErrorsGiveLineAndColumn() {
        do {
            _ = try parser.parse("a = 1\nb = = 2\n")
            Issue.record("accepted broken TOML")
        } catch let error as ConfigError {
            guard case .syntax(let file, let line, _, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(file == "config.toml")
            #expect(line == 2)
        } catch {
            Issue.record("wrong error type \(error)")
        }
    }

    @Test func unknownBackendListsTheKnownOnes() throws {
        let config = try parser.parse("")
        #expect(throws: ConfigError.unknownBackend(name: "x", known: ["local", "openai"])) {
            try config.backend(named: "x")
        }
    }
}

@Suite("Config loading", .heavy)
struct ConfigLoaderTests {
    func tempDir() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parley-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func locationFollowsOptionThenEnvironmentThenXDG() {
        #expect(ConfigLoader.location(option: "/a.toml", environment: ["PARLEY_CONFIG": "/b.toml"]) == ("/a.toml", true))
        #expect(ConfigLoader.location(option: nil, environment: ["PARLEY_CONFIG": "/b.toml"]) == ("/b.toml", true))
        #expect(ConfigLoader.location(option: nil, environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]) == ("/x/parley/config.toml", false))
        #expect(ConfigLoader.location(option: nil, environment: ["HOME": "/h"]) == ("/h/.config/parley/config.toml", false))
    }

    @Test func missingDefaultFileIsFineButMissingNamedFileIsAnError() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let loaded = try ConfigLoader.load(option: nil, environment: ["XDG_CONFIG_HOME": dir.path])
        #expect(loaded.file == nil)
        #expect(throws: ConfigError.self) {
            try ConfigLoader.load(option: dir.appendingPathComponent("nope.toml").path, environment: [:])
        }
    }

    @Test func readableFileWithAKeyIsWarnedAbout() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("config.toml")
        try "[backends.openai]\napi_key = \"sk-secret-value\"\n".write(to: file, atomically: true, encoding: .utf8)
        chmod(file.path, 0o644)
        let loaded = try ConfigLoader.load(option: file.path, environment: [:])
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings[0].contains("chmod 600"))
        #expect(!loaded.warnings[0].contains("sk-secret-value"))
        chmod(file.path, 0o600)
        #expect(try ConfigLoader.load(option: file.path, environment: [:]).warnings.isEmpty)
    }
}
