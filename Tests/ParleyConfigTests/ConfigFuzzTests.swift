import Foundation
import ParleyTestSupport
import Testing
@testable import ParleyConfig

/// The config file is outside input: mutated configs give a config or one `ConfigError` line.
@Suite("Config TOML fuzz")
struct ConfigFuzzTests {
    static let example = """
        default_backend = "lan"
        persona = "assistant"

        [defaults]
        temperature = 0.7
        max_tokens = 1024
        max_reply_bytes = 65536
        seed = 42

        [backends.lan]
        kind = "openai"
        base_url = "http://192.168.1.20:8080/v1"
        model = "qwen2.5-7b-instruct"
        api_key_env = "LAN_KEY"
        context_size = 32768
        idle_timeout = 60
        timeout = 600
        stream = true

        [backends.big]
        kind = "local"
        gguf = "~/models/x.gguf"
        threads = 2
        """

    @Test func mutatedConfigsGiveAConfigOrOneLine() async throws {
        let tokens = [
            "[", "]", "[[", "]]", "=", "\"", "'''", "\"\"\"", "\n", "#", "{", "}", ",", "1e400", "-", "inf", "nan", "0x7f",
            "1979-05-27T07:32:00Z", "\\u0000", "\u{0}", "a.b.c", "[backends.", "kind = ", "true", "9223372036854775808",
        ]
        let found = await OwnThread.run {
            var mutator = FuzzMutator(examples: [Self.example], tokens: tokens, seed: 0xC0F1_6)
            var (accepted, failures) = (0, [String]())
            for iteration in 0..<1500 {
                let text = String(decoding: mutator.next(), as: UTF8.self)
                do {
                    _ = try ConfigParser(file: "fuzz.toml").parse(text)
                    accepted += 1
                } catch let error as ConfigError {
                    if error.description.contains("\n") { failures.append("iteration \(iteration): \(error.description)") }
                } catch {
                    failures.append("iteration \(iteration): not a ConfigError: \(error)")
                }
            }
            return (accepted, failures)
        }
        #expect(found.1.isEmpty, "\(found.1.prefix(5))")
        #expect(found.0 > 0)
    }
}

/// What the fuzz test found: table headers that stopped the process inside the TOML library.
@Suite("Config TOML crashes found by fuzzing")
struct ConfigFuzzFindingsTests {
    @Test(arguments: ["[[[defaults]]]\n", "[[ [backends.x]]]\n", "[\nbackends.lan]\nkind = \"openai\"\n", "x = 1\n["])
    func headersThatStoppedTheParserAreSyntaxErrors(text: String) {
        do {
            _ = try ConfigParser(file: "c.toml").parse(text)
            Issue.record("accepted: \(text)")
        } catch let error as ConfigError {
            #expect(error.description.contains("table header"), "\(error.description)")
        } catch {
            Issue.record("not a ConfigError: \(error)")
        }
    }
}
